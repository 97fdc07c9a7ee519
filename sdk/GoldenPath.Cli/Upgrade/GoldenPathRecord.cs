using System.Text.Json;
using System.Text.Json.Nodes;

namespace GoldenPath.Cli.Upgrade;

/// <summary>
/// <c>.goldenpath.json</c>, which every generated repository keeps at its root: the template it was made from, the
/// template pack's version, and the answers given to <c>dotnet new</c> (keyed by the option's long name, without
/// dashes: <c>owner</c>, <c>database</c>, <c>service-port</c>; <c>name</c> is <c>-n</c>).
/// </summary>
internal sealed partial record GoldenPathRecord(string Template, string TemplateVersion, IReadOnlyDictionary<string, string> Answers)
{
    public const string FileName = ".goldenpath.json";

    public string Name => Answers.TryGetValue("name", out var name) ? name : "";

    /// <summary>
    /// Whether <paramref name="version"/> is a NuGet version of the template pack (<c>major.minor.patch</c>, a pre-release
    /// label, build metadata): it names a folder of the template cache, so nothing else — no separator, no <c>..</c>.
    /// </summary>
    public static bool IsVersion(string version) => VersionPattern().IsMatch(version);

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{1,9}\.\d{1,9}\.\d{1,9}(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?\z")]
    private static partial System.Text.RegularExpressions.Regex VersionPattern();

    /// <summary>Reads the record; a problem is returned as a message that names the file, the field and the fix.</summary>
    public static (GoldenPathRecord? Record, string? Problem) Read(string path)
    {
        if (!File.Exists(path))
        {
            return (null, $"no {FileName} at {path}: goldenpath upgrade works in a repository made by 'dotnet new platform-api' or 'platform-worker', which records the template, its version and the answers there. Run it at that repository's root, or pass --repository.");
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException exception)
        {
            return (null, $"{path} is not valid JSON ({exception.Message}); restore it from git (git checkout -- {FileName}).");
        }

        var template = (root?["template"] as JsonValue)?.TryGetValue<string>(out var t) == true ? t : null;
        var version = (root?["templateVersion"] as JsonValue)?.TryGetValue<string>(out var v) == true ? v : null;
        if (string.IsNullOrWhiteSpace(template) || string.IsNullOrWhiteSpace(version))
        {
            return (null, $"{path}: 'template' and 'templateVersion' must be set (e.g. \"platform-api\" and \"0.1.0\"); restore the file from git.");
        }

        if (!IsVersion(version))
        {
            return (null, $"{path}: templateVersion '{version}' is not a version of the template pack (e.g. \"0.1.0\"); restore the file from git.");
        }

        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root?["answers"] is JsonObject recorded)
        {
            foreach (var (key, value) in recorded)
            {
                if (value is JsonValue scalar)
                {
                    answers[key] = scalar.ToString();
                }
            }
        }

        if (!answers.TryGetValue("name", out var name))
        {
            return (null, $"{path}: answers.name is missing; it is the -n the repository was created with (the service name).");
        }

        // The name becomes folder and file names in the renders: only a golden-path name may (no '/', no '..').
        if (GoldenPath.Catalog.ServiceName.Validate(name) is { } problem)
        {
            return (null, $"{path}: answers.name: service name {problem}; it must be the name the repository was created with (metadata.name in catalog-info.yaml).");
        }

        return (new GoldenPathRecord(template, version, answers), null);
    }
}
