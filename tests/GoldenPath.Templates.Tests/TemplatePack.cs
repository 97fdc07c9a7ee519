using System.Text.RegularExpressions;

namespace GoldenPath.Templates.Tests;

/// <summary>
/// The template pack as a team gets it: the GoldenPath packages and GoldenPath.Templates packed from this
/// repository into a local feed, the pack installed into a custom hive (so the machine's own templates are
/// untouched), and a nuget.config that puts the local feed first. Generated repositories are created under
/// <see cref="Root"/> so that restore sees that nuget.config; their packages go to an isolated global packages
/// folder, so that a package packed earlier with the same version is never taken from the cache.
/// </summary>
public sealed partial class TemplatePack : IAsyncLifetime
{
    /// <summary>The projects packed into the feed: everything a generated repository references.</summary>
    public static readonly string[] PackedProjects =
    [
        "sdk/GoldenPath.Platform.Contracts/GoldenPath.Platform.Contracts.csproj",
        "sdk/GoldenPath.Catalog/GoldenPath.Catalog.csproj",
        "sdk/GoldenPath.ServiceDefaults/GoldenPath.ServiceDefaults.csproj",
        "sdk/GoldenPath.Streams.Redis/GoldenPath.Streams.Redis.csproj",
        "sdk/GoldenPath.Kubernetes/GoldenPath.Kubernetes.csproj",
        "sdk/GoldenPath.Hosting/GoldenPath.Hosting.csproj",
        "sdk/GoldenPath.Testing/GoldenPath.Testing.csproj",
        "sdk/GoldenPath.Cli/GoldenPath.Cli.csproj",
        "templates/GoldenPath.Templates/GoldenPath.Templates.csproj",
    ];

    public string Root { get; } = Directory.CreateTempSubdirectory("goldenpath-templates-").FullName;

    public string Feed => Path.Combine(Root, "feed");

    public string Hive => Path.Combine(Root, "hive");

    public string Version { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        foreach (var project in PackedProjects)
        {
            var pack = await Processes.RunAsync("dotnet", ["pack", Path.Combine(Repository.Root, project), "-c", "Release", "-o", Feed, "-v", "q", "-clp:NoSummary"], Repository.Root);
            if (pack.ExitCode != 0)
            {
                throw new InvalidOperationException($"Packing {project} failed: {pack}");
            }
        }

        var templates = Directory.GetFiles(Feed, "GoldenPath.Templates.*.nupkg").Single();
        Version = PackageVersion().Match(Path.GetFileName(templates)).Groups["version"].Value;

        var upstream = await NuGetOrgSourceAsync();
        await File.WriteAllTextAsync(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="goldenpath-local" value="{Feed}" />
                <add key="upstream" value="{upstream}" />
              </packageSources>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(Root, "packages")}" />
              </config>
            </configuration>
            """);

        var install = await NewAsync(["install", templates]);
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException($"Installing the template pack failed: {install}");
        }
    }

    /// <summary>Runs <c>dotnet new</c> against the custom hive, in <see cref="Root"/>.</summary>
    public Task<ProcessResult> NewAsync(IEnumerable<string> arguments) =>
        Processes.RunAsync("dotnet", ["new", .. arguments, "--debug:custom-hive", Hive], Root);

    /// <summary>Creates a repository from a template into a fresh folder under <see cref="Root"/>.</summary>
    public async Task<GeneratedRepository> CreateAsync(string template, string name, params string[] options)
    {
        var output = Path.Combine(Root, $"{template}-{Guid.NewGuid():N}"[..24]);
        var result = await NewAsync([template, "-n", name, "-o", output, .. options]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return new GeneratedRepository(output, name, result);
    }

    public ValueTask DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("GOLDENPATH_KEEP_TEMPLATE_OUTPUT") is not "1")
        {
            Directory.Delete(Root, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The machine's NuGet source for public packages (nuget.org or its mirror), from <c>dotnet nuget list source</c>.</summary>
    private static async Task<string> NuGetOrgSourceAsync()
    {
        var sources = await Processes.RunAsync("dotnet", ["nuget", "list", "source", "--format", "short"], Repository.Root);
        var enabled = sources.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("E ", StringComparison.Ordinal)).Select(l => l[2..].Trim()).ToList();
        return enabled.FirstOrDefault(s => s.Contains("nuget", StringComparison.OrdinalIgnoreCase) && s.StartsWith("http", StringComparison.Ordinal))
            ?? enabled.FirstOrDefault(s => s.StartsWith("http", StringComparison.Ordinal))
            ?? "https://api.nuget.org/v3/index.json";
    }

    [GeneratedRegex(@"^GoldenPath\.Templates\.(?<version>\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex PackageVersion();
}

[CollectionDefinition(Name)]
public sealed class TemplatePackCollection : ICollectionFixture<TemplatePack>
{
    public const string Name = "template pack";
}
