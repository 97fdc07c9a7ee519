using GoldenPath.Cli;

namespace GoldenPath.Templates.Tests;

/// <summary>
/// <c>goldenpath upgrade</c> end to end: a service generated with the current pack and committed in a real git
/// repository, the team's edits on top, then an upgrade to a second, changed version of the pack
/// (<see cref="NextTemplatePack"/>) from a local feed; the upgraded service builds and passes its tests.
/// </summary>
[Collection(TemplatePackCollection.Name)]
public sealed class UpgradeTests(TemplatePack pack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnUpgradeMergesTheTemplatesChangeIntoTheTeamsEditsConflictsOnlyWhereBothChangedTheSameLinesAndTheServiceStillBuildsAndPasses()
    {
        var next = await NextTemplatePack.EnsureAsync(pack);
        // An answer that looks like an option must reach both renders as a value.
        var repository = await pack.CreateAsync("platform-api", "orders", "--owner", "team-payments", "--description=--dry-run", "--skip-restore");
        var root = repository.Directory;
        await GitAsync(root, "init", "-q");
        await CommitAsync(root, "dotnet new platform-api");
        var launchSettings = repository.Read("src/orders/Properties/launchSettings.json");

        // The team's edits: on lines the template also changes (the app host's size), and elsewhere in files it changes.
        Edit(root, ".github/workflows/golden-path.yml", "  DOTNET_NOLOGO: true\n", "  DOTNET_NOLOGO: true\n  TZ: UTC\n");
        Edit(root, "src/orders.AppHost/Program.cs", NextTemplatePack.SizeLine, "workload.Size = WorkloadSize.Large;");
        Edit(root, "src/orders/Program.cs", "app.MapItemsApi();\n", "app.MapItemsApi();\napp.MapGet(\"/team\", () => \"team-payments\");\n");
        Edit(root, "README.md", "# ", "# Orders, by team-payments: ");
        File.Delete(Path.Combine(root, ".editorconfig"));
        await File.WriteAllTextAsync(Path.Combine(root, "src", "orders", "TeamNotes.cs"), "namespace Orders;\n\ninternal static class TeamNotes;\n", Ct);
        await CommitAsync(root, "The team's changes");

        var doctor = await RunAsync(["doctor", "--repository", root]);
        Assert.Contains($"template  platform-api {pack.Version} (.goldenpath.json): 1 minor version behind {next};", doctor.Output, StringComparison.Ordinal);

        var check = await UpgradeAsync(root, "--check");
        Assert.True(check.ExitCode == ExitCodes.Failed, check.Output + check.Error);
        Assert.Contains($"Behind: platform-api {pack.Version} is recorded in .goldenpath.json, {next} is the newest (1 minor version behind).", check.Output, StringComparison.Ordinal);
        Assert.Contains("conflict  src/orders.AppHost/Program.cs", check.Output, StringComparison.Ordinal);

        var dryRun = await UpgradeAsync(root, "--dry-run", "--to", next);
        Assert.True(dryRun.ExitCode == ExitCodes.Success, dryRun.Output + dryRun.Error);
        Assert.Contains("+        run: dotnet format --verify-no-changes", dryRun.Output, StringComparison.Ordinal);
        Assert.Equal("", (await GitAsync(root, "status", "--porcelain", "--untracked-files=all")).Trim());

        await File.AppendAllTextAsync(Path.Combine(root, "catalog-info.yaml"), "# not committed\n", Ct);
        var dirty = await UpgradeAsync(root, "--to", next);
        Assert.True(dirty.ExitCode == ExitCodes.Usage, dirty.Output + dirty.Error);
        Assert.Contains("1 uncommitted change(s) (catalog-info.yaml)", dirty.Error, StringComparison.Ordinal);
        Assert.Contains("--allow-dirty", dirty.Error, StringComparison.Ordinal);
        Assert.Equal(pack.Version, Record(root));
        await GitAsync(root, "checkout", "--", "catalog-info.yaml");

        var upgrade = await UpgradeAsync(root, "--to", next);
        Assert.True(upgrade.ExitCode == ExitCodes.Failed, upgrade.Output + upgrade.Error);
        var changed = (await GitAsync(root, "status", "--porcelain", "--untracked-files=all")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim());
        Assert.Equal(
            ["?? RUNBOOK.md", "D src/orders.AppHost/appsettings.json", "M .github/workflows/golden-path.yml", "M .goldenpath.json", "M catalog-info.yaml", "M docs/index.md", "M src/orders.AppHost/Program.cs", "M src/orders/Program.cs"],
            changed.Order(StringComparer.Ordinal));
        Assert.Contains("Summary: 3 updated, 2 merged, 1 conflicts, 1 added, 1 removed, 2 kept", upgrade.Output, StringComparison.Ordinal);

        Assert.Contains($"goldenpath.dev/template-version: \"{next}\"", repository.Read("catalog-info.yaml"), StringComparison.Ordinal);
        var workflow = repository.Read(".github/workflows/golden-path.yml");
        Assert.Contains("  TZ: UTC\n", workflow, StringComparison.Ordinal);
        Assert.Contains(NextTemplatePack.NewStep + NextTemplatePack.BuildStep, workflow, StringComparison.Ordinal);
        var program = repository.Read("src/orders/Program.cs");
        Assert.StartsWith(NextTemplatePack.NewFirstLine, program, StringComparison.Ordinal);
        Assert.Contains("app.MapGet(\"/team\", () => \"team-payments\");", program, StringComparison.Ordinal);
        var appHost = repository.Read("src/orders.AppHost/Program.cs");
        var conflict = "<<<<<<< src/orders.AppHost/Program.cs (yours)\n        workload.Size = WorkloadSize.Large;\n=======\n        " + NextTemplatePack.NewSizeLine +
            $"\n>>>>>>> src/orders.AppHost/Program.cs (template {next})\n";
        Assert.Contains(conflict, appHost, StringComparison.Ordinal);
        Assert.Single(appHost.Split('\n'), line => line.StartsWith("<<<<<<<", StringComparison.Ordinal));
        Assert.Contains("who to call", repository.Read("RUNBOOK.md"), StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("# Orders, by team-payments: ", repository.Read("README.md"), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(root, ".editorconfig")), "a file the team deleted came back");
        Assert.True(File.Exists(Path.Combine(root, "src", "orders", "TeamNotes.cs")));
        Assert.Equal(launchSettings, repository.Read("src/orders/Properties/launchSettings.json"));
        Assert.Equal(next, Record(root));

        // The team resolves the conflict its way, and commits.
        File.WriteAllText(Path.Combine(root, "src", "orders.AppHost", "Program.cs"), appHost.Replace(conflict, "        workload.Size = WorkloadSize.Large;\n", StringComparison.Ordinal));
        await CommitAsync(root, "Upgrade to the next template version");

        var after = await UpgradeAsync(root, "--check");
        Assert.True(after.ExitCode == ExitCodes.Success, after.Output + after.Error);
        Assert.Contains($"Up to date: platform-api {next} is the newest on the feeds.", after.Output, StringComparison.Ordinal);

        var test = await repository.DotNetAsync("test");
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Contains("failed: 0", test.Output, StringComparison.Ordinal);

        // The build embedded the template and its new version, which the service's registration carries to the platform.
        var embedded = EmbeddedMetadata(Path.Combine(root, "src", "orders", "bin", "Debug", "net10.0", "orders.dll"));
        Assert.Equal(("platform-api", next), (embedded["GoldenPath.Service.Template"], embedded["GoldenPath.Service.TemplateVersion"]));
    }

    private Task<(int ExitCode, string Output, string Error)> UpgradeAsync(string root, params string[] arguments) =>
        RunAsync(["upgrade", "--repository", root, .. arguments]);

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var cache = Path.Combine(pack.Root, "upgrade-cache");
        var exitCode = await GoldenPathCli.RunAsync(arguments, output, error,
            name => name == "GOLDENPATH_TEMPLATE_CACHE" ? cache : Environment.GetEnvironmentVariable(name));
        return (exitCode, output.ToString(), error.ToString());
    }

    private static Dictionary<string, string?> EmbeddedMetadata(string assemblyPath)
    {
        var context = new System.Runtime.Loader.AssemblyLoadContext("embedded-metadata", isCollectible: true);
        try
        {
            return context.LoadFromAssemblyPath(assemblyPath).GetCustomAttributesData()
                .Where(a => a.AttributeType.FullName == typeof(System.Reflection.AssemblyMetadataAttribute).FullName)
                .ToDictionary(a => (string)a.ConstructorArguments[0].Value!, a => (string?)a.ConstructorArguments[1].Value);
        }
        finally
        {
            context.Unload();
        }
    }

    private static string Record(string root) =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(root, ".goldenpath.json"))).RootElement.GetProperty("templateVersion").GetString()!;

    private static void Edit(string root, string file, string old, string replacement)
    {
        var path = Path.Combine(root, file);
        var text = File.ReadAllText(path);
        Assert.Contains(old, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(old, replacement, StringComparison.Ordinal));
    }

    private static async Task CommitAsync(string root, string message)
    {
        await GitAsync(root, "add", "-A");
        await GitAsync(root, "-c", "user.name=Team Payments", "-c", "user.email=payments@example.com", "commit", "-q", "-m", message);
    }

    private static async Task<string> GitAsync(string root, params string[] arguments)
    {
        var git = await Processes.RunAsync("git", arguments, root);
        Assert.True(git.ExitCode == 0, git.ToString());
        return git.Output;
    }
}
