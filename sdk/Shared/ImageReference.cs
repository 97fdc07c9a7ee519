namespace GoldenPath;

/// <summary>
/// A container image reference, <c>[registry/]repository[:tag][@digest]</c>, read by one rule wherever the golden path
/// reads one: the app host's image settings (GoldenPath.Hosting) and the policy's pinned-tag check (GoldenPath.Kubernetes).
/// A first path segment with a '.' or ':' or <c>localhost</c> is a registry, except for names that end in <c>.local</c>,
/// which are local image names.
/// </summary>
/// <remarks>Compiled into both packages (linked source): the policy engine does not reference the app host's package.</remarks>
/// <param name="Registry">The registry host (<c>docker.io</c>, <c>mirror.example.com:5000</c>), or null for a local or Docker Hub short name.</param>
/// <param name="Repository">The repository path (<c>library/postgres</c>).</param>
/// <param name="Tag">The tag, or null when the reference has none.</param>
/// <param name="Digest">The digest (<c>sha256:…</c>), or null when the reference has none.</param>
internal sealed record ImageReference(string? Registry, string Repository, string? Tag, string? Digest)
{
    /// <summary>Reads <paramref name="reference"/>; null when it is empty, holds white space, or has an empty part (<c>app:</c>, <c>app@</c>, <c>/app</c>).</summary>
    public static ImageReference? TryParse(string? reference)
    {
        if (string.IsNullOrEmpty(reference) || reference.Any(char.IsWhiteSpace))
        {
            return null;
        }

        string? digest = null;
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = reference[(at + 1)..];
            reference = reference[..at];
            if (digest.Length == 0 || !digest.Contains(':', StringComparison.Ordinal) || digest.EndsWith(':'))
            {
                return null;
            }
        }

        var lastSlash = reference.LastIndexOf('/');
        var colon = reference.LastIndexOf(':');
        var (name, tag) = colon > lastSlash ? (reference[..colon], reference[(colon + 1)..]) : (reference, null);
        if (tag is { Length: 0 })
        {
            return null;
        }

        string? registry = null;
        var firstSlash = name.IndexOf('/', StringComparison.Ordinal);
        if (firstSlash > 0)
        {
            var first = name[..firstSlash];
            if ((first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost")
                && !first.EndsWith(".local", StringComparison.Ordinal))
            {
                registry = first;
                name = name[(firstSlash + 1)..];
            }
        }

        return name.Length == 0 || name.StartsWith('/') || name.EndsWith('/') ? null : new ImageReference(registry, name, tag, digest);
    }
}
