using GoldenPath.Catalog;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;

namespace GoldenPath.Cli.Upgrade;

/// <summary>
/// Raises the GoldenPath package versions in <c>Directory.Packages.props</c> (every <c>GoldenPath.*</c>
/// <c>PackageVersion</c>, also those the team added itself, such as GoldenPath.Kubernetes) and the CLI's in
/// <c>.config/dotnet-tools.json</c> to the target's, never lowering a version the team already raised. The three-way
/// merge carries the template's own lines; this carries the rest. Files with conflict markers are left to the team.
/// </summary>
internal static class PackageVersionBump
{
    public const string PackagesFile = "Directory.Packages.props";
    public static readonly string[] ToolManifests = [".config/dotnet-tools.json", "dotnet-tools.json"];
    private const string ToolId = "goldenpath.cli";

    /// <summary>The GoldenPath package versions the target render uses: by package, and the SDK's for the rest.</summary>
    public static (IReadOnlyDictionary<string, string> Packages, string? Sdk, string? Tool) TargetVersions(string targetRender)
    {
        var packages = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var props = Path.Combine(targetRender, PackagesFile);
        if (File.Exists(props) && TryParse(File.ReadAllText(props)) is { } document)
        {
            foreach (var (include, version) in GoldenPathVersions(document))
            {
                packages[include.Value] = version.Value;
            }
        }

        var tool = ToolManifests.Select(m => Path.Combine(targetRender, m)).Where(File.Exists)
            .Select(m => ToolVersion(File.ReadAllText(m))).FirstOrDefault(v => v is not null);
        return (packages, packages.GetValueOrDefault("GoldenPath.ServiceDefaults") ?? packages.Values.FirstOrDefault(), tool);
    }

    /// <summary>The props file with every GoldenPath package raised, or the same text when nothing is raised or it cannot be read.</summary>
    public static string RaisePackages(string text, IReadOnlyDictionary<string, string> packages, string? sdk)
    {
        if (TryParse(text) is not { } document)
        {
            return text;
        }

        var changed = false;
        foreach (var (include, version) in GoldenPathVersions(document))
        {
            var target = packages.GetValueOrDefault(include.Value) ?? sdk;
            if (target is not null && ReleaseVersion.Compare(version.Value, target) < 0)
            {
                version.Value = target;
                changed = true;
            }
        }

        return changed ? (document.Declaration is null ? "" : document.Declaration + "\n") + document.ToString(SaveOptions.DisableFormatting) : text;
    }

    /// <summary>The tool manifest with goldenpath.cli raised to <paramref name="tool"/>, or the same text.</summary>
    public static string RaiseTool(string text, string? tool)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return text;
        }

        if (tool is null || root?["tools"]?[ToolId] is not JsonObject entry || entry["version"]?.ToString() is not { } current || ReleaseVersion.Compare(current, tool) >= 0)
        {
            return text;
        }

        entry["version"] = tool;
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + (text.EndsWith('\n') ? "\n" : "");
    }

    private static string? ToolVersion(string text)
    {
        try
        {
            return JsonNode.Parse(text)?["tools"]?[ToolId]?["version"]?.ToString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IEnumerable<(XAttribute Include, XAttribute Version)> GoldenPathVersions(XDocument document) =>
        document.Descendants("PackageVersion")
            .Select(e => (Include: e.Attribute("Include"), Version: e.Attribute("Version")))
            .Where(p => p.Include?.Value.StartsWith("GoldenPath.", StringComparison.OrdinalIgnoreCase) == true && p.Version is not null)
            .Select(p => (p.Include!, p.Version!))
            .ToList();

    private static XDocument? TryParse(string text)
    {
        try
        {
            return XDocument.Parse(text, LoadOptions.PreserveWhitespace);
        }
        catch (XmlException)
        {
            return null;
        }
    }
}
