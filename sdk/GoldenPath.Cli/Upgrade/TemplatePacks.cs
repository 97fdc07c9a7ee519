using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GoldenPath.Cli.Upgrade;

/// <summary>
/// GoldenPath.Templates versions, each obtained from the NuGet feeds the repository is configured with (its
/// nuget.config, plus <c>--source</c>) into a hive of its own (<c>dotnet new --debug:custom-hive</c>) under the cache
/// folder: never the user's installed templates, so the recorded version renders even when a newer pack is
/// installed, and two versions never replace each other. Rendering is the real <c>dotnet new</c>: the template
/// engine ships with the SDK and is not a library one can reference.
/// </summary>
/// <param name="cacheRoot">Where the hives live: <c>$GOLDENPATH_TEMPLATE_CACHE</c>, else <c>$XDG_CACHE_HOME/goldenpath/templates</c> or <c>~/.cache/goldenpath/templates</c>.</param>
/// <param name="workingDirectory">Where dotnet runs to find packages: the repository, so that its nuget.config applies.</param>
/// <param name="extraSource">A further feed (<c>--source</c>), or null.</param>
internal sealed class TemplatePacks(string cacheRoot, string workingDirectory, string? extraSource)
{
    public const string PackageId = "GoldenPath.Templates";
    public const string CacheVariable = "GOLDENPATH_TEMPLATE_CACHE";

    public static string DefaultCacheRoot(Func<string, string?> environment)
    {
        if (environment(CacheVariable) is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        var cache = environment("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "goldenpath", "templates");
    }

    /// <summary>The newest version the feeds have: what <c>dotnet new install GoldenPath.Templates</c> picks, in a scratch hive.</summary>
    public async Task<(string? Version, string? Problem)> NewestAsync(CancellationToken ct)
    {
        var hive = Path.Combine(cacheRoot, "resolve-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var install = await InstallAsync(PackageId, hive, ct).ConfigureAwait(false);
            if (!install.Succeeded)
            {
                return (null, $"could not find {PackageId} on the NuGet feeds of {workingDirectory} (its nuget.config{(extraSource is null ? "" : $" and {extraSource}")}): {install.Describe()}. Check the feeds, or name the version with --to.");
            }

            return InstalledVersion(hive) is { } version
                ? (version, null)
                : (null, $"dotnet new installed {PackageId} into {hive} but recorded no version; this SDK's template hive format is not the one goldenpath knows.");
        }
        finally
        {
            TryDelete(hive);
        }
    }

    /// <summary>The hive holding <paramref name="version"/> (installed on first use, reused after).</summary>
    public async Task<(string? Hive, string? Problem)> EnsureAsync(string version, CancellationToken ct)
    {
        var hive = Path.Combine(cacheRoot, version);
        if (!GoldenPathRecord.IsVersion(version) || !string.Equals(Path.GetDirectoryName(Path.GetFullPath(hive)), Path.GetFullPath(cacheRoot).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
        {
            // The hive is deleted and re-made below: it must be a folder of the cache, never a path a record chose.
            return (null, $"'{version}' is not a version of the template pack (e.g. 0.2.0).");
        }

        if (InstalledVersion(hive) == version && File.Exists(PackagePath(hive, version)))
        {
            return (hive, null);
        }

        TryDelete(hive);
        var install = await InstallAsync($"{PackageId}::{version}", hive, ct).ConfigureAwait(false);
        if (!install.Succeeded || InstalledVersion(hive) != version)
        {
            TryDelete(hive);
            return (null, $"could not get {PackageId} {version} from the NuGet feeds of {workingDirectory} (its nuget.config{(extraSource is null ? "" : $" and {extraSource}")}): {install.Describe()}. Is the version published there?");
        }

        return (hive, null);
    }

    /// <summary>
    /// The template's parameters in <paramref name="version"/>, by the long name <c>dotnet new</c> takes
    /// (from <c>dotnetcli.host.json</c>, else the symbol's name), read from the package in its hive.
    /// </summary>
    public static HashSet<string>? Parameters(string hive, string version, string template)
    {
        using var package = ZipFile.OpenRead(PackagePath(hive, version));
        foreach (var entry in package.Entries.Where(e => e.FullName.EndsWith("/.template.config/template.json", StringComparison.Ordinal)))
        {
            var definition = ReadJson(entry);
            if ((definition?["shortName"] as JsonValue)?.ToString() != template || definition?["symbols"] is not JsonObject symbols)
            {
                continue;
            }

            var host = package.GetEntry(entry.FullName.Replace("template.json", "dotnetcli.host.json", StringComparison.Ordinal)) is { } hostEntry
                ? ReadJson(hostEntry)?["symbolInfo"] as JsonObject
                : null;
            return [.. symbols
                .Where(s => (s.Value?["type"] as JsonValue)?.ToString() == "parameter")
                .Select(s => (host?[s.Key]?["longName"] as JsonValue)?.ToString() is { Length: > 0 } longName ? longName : s.Key)];
        }

        return null;
    }

    /// <summary>Renders the recorded template at <paramref name="version"/> with the answers it knows into an empty folder.</summary>
    /// <returns>The answers that were left out (the template has no such option), or a problem.</returns>
    public async Task<(IReadOnlyList<string> Dropped, string? Problem)> RenderAsync(string version, GoldenPathRecord record, string output, CancellationToken ct)
    {
        var (hive, problem) = await EnsureAsync(version, ct).ConfigureAwait(false);
        if (hive is null)
        {
            return ([], problem);
        }

        var parameters = Parameters(hive, version, record.Template);
        if (parameters is null)
        {
            return ([], $"{PackageId} {version} has no template '{record.Template}' (the template recorded in {GoldenPathRecord.FileName}).");
        }

        // --option=value: a recorded answer that looks like an option ("--debug:custom-hive") stays a value.
        var arguments = new List<string> { "new", record.Template, $"--name={record.Name}", $"--output={output}", "--no-update-check" };
        var dropped = new List<string>();
        foreach (var (key, value) in record.Answers.Where(a => a.Key != "name").OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (parameters.Contains(key) && value.Length == 0)
            {
                // dotnet new reads "--key=" as a missing value: an empty answer goes as its own (empty) argument.
                arguments.AddRange([$"--{key}", ""]);
            }
            else if (parameters.Contains(key))
            {
                arguments.Add($"--{key}={value}");
            }
            else
            {
                dropped.Add(key);
            }
        }

        if (parameters.Contains("skip-restore"))
        {
            arguments.Add("--skip-restore");
        }

        arguments.AddRange(["--debug:custom-hive", hive]);
        var render = await Tool.RunAsync("dotnet", arguments, cacheRoot, ct).ConfigureAwait(false);
        return render.Succeeded ? (dropped, null) : (dropped, $"rendering {record.Template} {version} failed: {render.Describe()}");
    }

    private async Task<ToolResult> InstallAsync(string package, string hive, CancellationToken ct)
    {
        Directory.CreateDirectory(hive);
        List<string> arguments = ["new", "install", package, "--debug:custom-hive", hive];
        if (extraSource is not null)
        {
            arguments.AddRange(["--add-source", extraSource]);
        }

        return await Tool.RunAsync("dotnet", arguments, workingDirectory, ct).ConfigureAwait(false);
    }

    /// <summary>The version of GoldenPath.Templates the hive's <c>packages.json</c> records, or null.</summary>
    private static string? InstalledVersion(string hive)
    {
        var file = Path.Combine(hive, "packages.json");
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            return (JsonNode.Parse(File.ReadAllText(file))?["Packages"] as JsonArray)?
                .Select(p => p?["Details"])
                .Where(d => string.Equals((d?["PackageId"] as JsonValue)?.ToString(), PackageId, StringComparison.OrdinalIgnoreCase))
                .Select(d => (d?["Version"] as JsonValue)?.ToString())
                .FirstOrDefault();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string PackagePath(string hive, string version) => Path.Combine(hive, "packages", $"{PackageId}.{version}.nupkg");

    private static JsonNode? ReadJson(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        return JsonNode.Parse(stream, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A scratch folder left behind is harmless; the next run uses another name.
        }
    }
}
