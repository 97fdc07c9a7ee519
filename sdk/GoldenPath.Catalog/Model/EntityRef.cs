namespace GoldenPath.Catalog;

/// <summary>
/// A Backstage entity reference, <c>[kind:][namespace/]name</c>, with the kind and namespace filled in
/// from the context where the short form leaves them out.
/// </summary>
/// <param name="Kind">The kind, lower case.</param>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The name.</param>
public readonly record struct EntityRef(string Kind, string Namespace, string Name)
{
    /// <summary>Backstage's default namespace.</summary>
    public const string DefaultNamespace = "default";

    /// <summary>Parses a reference, using <paramref name="defaultKind"/> when the reference has no kind.</summary>
    /// <param name="value">The reference, e.g. <c>team-payments</c>, <c>group:team-payments</c> or <c>resource:default/orders-db</c>.</param>
    /// <param name="defaultKind">The kind to assume when the reference names none.</param>
    /// <returns>The reference.</returns>
    /// <exception cref="FormatException">The value is empty or malformed.</exception>
    public static EntityRef Parse(string value, string defaultKind)
    {
        if (!TryParse(value, defaultKind, out var reference))
        {
            throw new FormatException($"'{value}' is not an entity reference of the form [kind:][namespace/]name.");
        }

        return reference;
    }

    /// <summary>Tries to parse a reference.</summary>
    /// <param name="value">The reference.</param>
    /// <param name="defaultKind">The kind to assume when the reference names none.</param>
    /// <param name="reference">The reference, when the value could be parsed.</param>
    /// <returns>Whether the value is a well-formed reference.</returns>
    public static bool TryParse(string? value, string defaultKind, out EntityRef reference)
    {
        reference = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var rest = value.Trim();
        var kind = defaultKind;
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            kind = rest[..colon];
            rest = rest[(colon + 1)..];
        }

        var ns = DefaultNamespace;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            ns = rest[..slash];
            rest = rest[(slash + 1)..];
        }

        if (kind.Length == 0 || ns.Length == 0 || rest.Length == 0 || rest.Contains('/', StringComparison.Ordinal) || rest.Contains(':', StringComparison.Ordinal))
        {
            return false;
        }

        reference = new EntityRef(kind.ToLowerInvariant(), ns, rest);
        return true;
    }

    /// <summary>Returns the full form, <c>kind:namespace/name</c>.</summary>
    /// <returns>The reference as text.</returns>
    public override string ToString() => $"{Kind}:{Namespace}/{Name}";
}
