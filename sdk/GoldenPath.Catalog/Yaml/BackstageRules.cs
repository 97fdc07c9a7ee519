using System.Text.RegularExpressions;

namespace GoldenPath.Catalog;

/// <summary>
/// The field formats Backstage's catalog enforces (<c>@backstage/catalog-model</c>:
/// <c>KubernetesValidatorFunctions</c>, <c>CommonValidatorFunctions</c>), so that a file GoldenPath
/// accepts is one Backstage accepts.
/// </summary>
internal static partial class BackstageRules
{
    public const int MaxNameLength = 63;
    public const int MaxPrefixLength = 253;

    public static readonly string[] ApiVersions = ["backstage.io/v1alpha1", "backstage.io/v1beta1"];

    public static string? CheckEntityName(string value) =>
        value.Length is 0 or > MaxNameLength || !ObjectName().IsMatch(value)
            ? $"'{value}' is not a valid entity name: 1-63 characters from A-Z, a-z, 0-9, '-', '_' and '.', starting and ending with a letter or digit"
            : null;

    public static string? CheckNamespace(string value) =>
        value.Length > MaxNameLength || !DnsLabel().IsMatch(value)
            ? $"'{value}' is not a valid namespace: a lowercase DNS label of at most 63 characters, e.g. 'default'"
            : null;

    public static string? CheckKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length is 0 or > MaxPrefixLength || !DnsSubdomain().IsMatch(prefix))
            {
                return $"'{key}' has an invalid prefix '{prefix}': use a lowercase DNS subdomain such as 'example.com'";
            }
        }

        return name.Length is 0 or > MaxNameLength || !ObjectName().IsMatch(name)
            ? $"'{key}' is not a valid key: [prefix/]name, where name has 1-63 characters from A-Z, a-z, 0-9, '-', '_' and '.'"
            : null;
    }

    public static string? CheckLabelValue(string value) =>
        value.Length == 0 || (value.Length <= MaxNameLength && ObjectName().IsMatch(value))
            ? null
            : $"'{value}' is not a valid label value: at most 63 characters from A-Z, a-z, 0-9, '-', '_' and '.', starting and ending with a letter or digit";

    public static string? CheckTag(string value) =>
        value.Length is 0 or > MaxNameLength || !Tag().IsMatch(value)
            ? $"'{value}' is not a valid tag: lowercase words of a-z, 0-9, ':', '+' and '#' joined by '-', at most 63 characters"
            : null;

    public static string? CheckEntityRef(string value, string defaultKind) =>
        EntityRef.TryParse(value, defaultKind, out var reference) && CheckEntityName(reference.Name) is null
            ? null
            : $"'{value}' is not a valid entity reference: use [kind:][namespace/]name, e.g. '{defaultKind}:orders-api'";

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex ObjectName();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex("^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();
}
