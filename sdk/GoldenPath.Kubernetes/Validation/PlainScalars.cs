using System.Text.RegularExpressions;

namespace GoldenPath.Kubernetes;

/// <summary>
/// Which strings may be written as plain YAML scalars and still be read back as strings by the tools that read the
/// manifests. kubectl and kustomize convert YAML to JSON with a YAML 1.1 resolver (sigs.k8s.io/yaml): besides YAML
/// 1.2's <c>true</c>, <c>null</c>, <c>~</c> and numbers such as <c>1.10</c> or <c>1e3</c>, it reads <c>yes</c>,
/// <c>on</c>, <c>y</c>, <c>0x1F</c>, <c>017</c>, <c>0b101</c> and <c>1_000</c> as booleans and numbers. Kustomize then
/// refuses a number where a string belongs (<c>newTag</c>), or drops a null tag. Every such string is quoted.
/// </summary>
internal static partial class PlainScalars
{
    /// <summary>Gets whether <paramref name="value"/>, written plain, would be read as something other than that string.</summary>
    public static bool IsAmbiguous(string value) => value.Length == 0 || NonString().IsMatch(value);

    [GeneratedRegex(@"^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])*|[-+]?0(b[01_]+|o?[0-7_]+|x[0-9a-fA-F_]+)|[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*([eE][-+]?[0-9]+)|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$", RegexOptions.CultureInvariant)]
    private static partial Regex NonString();
}
