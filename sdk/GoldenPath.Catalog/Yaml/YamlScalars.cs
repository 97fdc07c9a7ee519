using System.Text.RegularExpressions;

namespace GoldenPath.Catalog;

/// <summary>
/// How YAML 1.2's core schema reads an unquoted scalar: <c>true</c>, <c>null</c>, <c>42</c> and <c>1.5</c>
/// are not strings. Backstage converts YAML to JSON with that schema, so a name written as <c>123</c> is a
/// number there and fails its string check; the reader reports it the same way and the writer quotes it.
/// </summary>
internal static partial class YamlScalars
{
    public static bool IsNonString(string? value) => value is not null && Describe(value) is not null;

    public static string? Describe(string value) =>
        value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => "null",
            "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => "boolean",
            _ when Number().IsMatch(value) => "number",
            _ => null,
        };

    [GeneratedRegex(@"^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$", RegexOptions.CultureInvariant)]
    private static partial Regex Number();
}
