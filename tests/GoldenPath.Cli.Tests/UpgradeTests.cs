using GoldenPath.Cli.Upgrade;

namespace GoldenPath.Cli.Tests;

/// <summary>
/// <c>goldenpath upgrade</c>'s decisions on plain folders (the end-to-end run with real template packs and a real
/// service is in GoldenPath.Templates.Tests' UpgradeTests), and its refusals.
/// </summary>
public sealed class UpgradeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("goldenpath-upgrade-unit-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachFileGetsTheOutcomeItsHistoryCallsForAndTheTeamsOwnFilesAreNeverTouched()
    {
        Write("base/same.txt", "a\n");
        Write("target/same.txt", "a\n");
        Write("repo/same.txt", "a, changed by the team\n");
        Write("base/untouched.txt", "1\n2\n");
        Write("target/untouched.txt", "1\n2 (template)\n");
        Write("repo/untouched.txt", "1\n2\n");
        Write("base/both.txt", "1\n2\n3\n4\n5\n");
        Write("target/both.txt", "1 (template)\n2\n3\n4\n5\n");
        Write("repo/both.txt", "1\n2\n3\n4\n5 (team)\n");
        Write("base/same-line.txt", "x = 1\n");
        Write("target/same-line.txt", "x = 2\n");
        Write("repo/same-line.txt", "x = 3\n");
        Write("base/removed.txt", "old\n");
        Write("repo/removed.txt", "old\n");
        Write("base/removed-but-changed.txt", "old\n");
        Write("repo/removed-but-changed.txt", "old, and the team's note\n");
        Write("base/deleted-by-team.txt", "v1\n");
        Write("target/deleted-by-team.txt", "v2\n");
        Write("target/new.txt", "new\n");
        Write("target/added-by-both.txt", "the template's\n");
        Write("repo/added-by-both.txt", "the team's\n");
        Write("repo/teams-own.txt", "ours alone\n");

        var (changes, problem) = await UpgradePlanner.PlanAsync(Path.Combine(_root, "repo"), Path.Combine(_root, "base"), Path.Combine(_root, "target"), ("1.0.0", "1.1.0"), _root, Ct);

        Assert.Null(problem);
        Assert.Equal(
            [
                ("added-by-both.txt", FileOutcome.Conflict), ("both.txt", FileOutcome.Merged), ("deleted-by-team.txt", FileOutcome.Kept), ("new.txt", FileOutcome.Added),
                ("removed-but-changed.txt", FileOutcome.Kept), ("removed.txt", FileOutcome.Removed), ("same-line.txt", FileOutcome.Conflict), ("untouched.txt", FileOutcome.Updated),
            ],
            changes.Select(c => (c.Path, c.Outcome)));
        Assert.Equal("1 (template)\n2\n3\n4\n5 (team)\n", changes.Single(c => c.Path == "both.txt").NewText);
        Assert.Equal("<<<<<<< same-line.txt (yours)\nx = 3\n=======\nx = 2\n>>>>>>> same-line.txt (template 1.1.0)\n", changes.Single(c => c.Path == "same-line.txt").NewText);
        Assert.All(changes.Where(c => c.Outcome == FileOutcome.Kept), c => Assert.Null(c.NewText));
    }

    [Fact]
    public void TheGoldenPathPackagesAreRaisedAlsoThoseTheTeamAddedButAVersionTheTeamRaisedIsNeverLowered()
    {
        const string props = """
            <Project>
              <!-- the team's comment -->
              <ItemGroup>
                <PackageVersion Include="GoldenPath.ServiceDefaults" Version="0.1.0" />
                <PackageVersion Include="GoldenPath.Kubernetes" Version="0.1.0" />
                <PackageVersion Include="GoldenPath.Testing" Version="0.12.0" />
                <PackageVersion Include="Polly.Core" Version="0.1.0" />
              </ItemGroup>
            </Project>
            """;

        var raised = PackageVersionBump.RaisePackages(props, new Dictionary<string, string> { ["GoldenPath.ServiceDefaults"] = "0.9.0", ["GoldenPath.Testing"] = "0.9.0" }, "0.9.0");
        var tool = PackageVersionBump.RaiseTool("""{ "version": 1, "tools": { "goldenpath.cli": { "version": "0.1.0", "commands": [ "goldenpath" ] } } }""" + "\n", "0.9.0");

        Assert.Equal(props
            .Replace("\"GoldenPath.ServiceDefaults\" Version=\"0.1.0\"", "\"GoldenPath.ServiceDefaults\" Version=\"0.9.0\"", StringComparison.Ordinal)
            .Replace("\"GoldenPath.Kubernetes\" Version=\"0.1.0\"", "\"GoldenPath.Kubernetes\" Version=\"0.9.0\"", StringComparison.Ordinal), raised);
        Assert.Contains("\"version\": \"0.9.0\"", tool, StringComparison.Ordinal);
        Assert.Equal("<<<<<<< not XML", PackageVersionBump.RaisePackages("<<<<<<< not XML", new Dictionary<string, string>(), "0.9.0"));
    }

    [Fact]
    public async Task AnUpgradeOutsideAGitRepositoryOrWithoutARecordIsRefusedAndWritesNothing()
    {
        var record = """{ "template": "platform-api", "templateVersion": "0.1.0", "answers": { "name": "orders", "owner": "team-a" } }""";
        Write("plain/.goldenpath.json", record);

        var noGit = await Cli.RunAsync("upgrade", "--repository", Path.Combine(_root, "plain"));
        var noRecord = await Cli.RunAsync("upgrade", "--repository", _root);

        Assert.Equal(ExitCodes.Usage, noGit.ExitCode);
        Assert.Contains("is not in a git repository", noGit.Error, StringComparison.Ordinal);
        Assert.Contains("git init", noGit.Error, StringComparison.Ordinal);
        Assert.Equal(record, File.ReadAllText(Path.Combine(_root, "plain", ".goldenpath.json")));
        Assert.Equal(ExitCodes.Usage, noRecord.ExitCode);
        Assert.Contains("no .goldenpath.json at", noRecord.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARecordedNameThatIsNoServiceNameIsRefusedBeforeAnythingIsRendered()
    {
        Write("escape/.goldenpath.json", """{ "template": "platform-api", "templateVersion": "0.1.0", "answers": { "name": "../../../tmp/escape", "owner": "team-a" } }""");
        Assert.Equal(0, (await Cli.ProcessAsync("git", ["init", "-q"], Path.Combine(_root, "escape"))).ExitCode);

        var result = await Cli.RunAsync("upgrade", "--repository", Path.Combine(_root, "escape"), "--to", "0.2.0");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("answers.name: service name", result.Error, StringComparison.Ordinal);
        Assert.Equal([".goldenpath.json"], Directory.GetFiles(Path.Combine(_root, "escape")).Select(Path.GetFileName));
        Assert.False(Directory.Exists("/tmp/escape"), "a render wrote outside its folder");
    }

    [Theory]
    [InlineData("record")]
    [InlineData("--to")]
    public async Task AVersionThatIsAPathIsRefusedAndNothingOutsideTheTemplateCacheIsDeleted(string where)
    {
        // The template cache deletes and re-makes a version's folder: a version that is a path must never reach it.
        var victim = Path.Combine(_root, "victim");
        Write("victim/keep.txt", "the team's file");
        var version = where == "record" ? victim : "0.1.0";
        Write("repo/.goldenpath.json", $$"""{ "template": "platform-api", "templateVersion": "{{version}}", "answers": { "name": "orders", "owner": "team-a" } }""");
        Assert.Equal(0, (await Cli.ProcessAsync("git", ["init", "-q"], Path.Combine(_root, "repo"))).ExitCode);

        var result = await Cli.RunAsync("upgrade", "--repository", Path.Combine(_root, "repo"), "--to", where == "record" ? "0.2.0" : "../../victim", "--check");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("is not a version of the template pack", result.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(victim, "keep.txt")), "a folder outside the template cache was deleted");
    }

    [Theory]
    [InlineData("Directory.Packages.props")]
    [InlineData("src")]
    public async Task AFileOrFolderOfTheRepositoryThatIsASymbolicLinkStopsThePlanBeforeAnythingOutsideIsReadOrWritten(string link)
    {
        Write("base/Directory.Packages.props", "1\n");
        Write("target/Directory.Packages.props", "2\n");
        Write("base/src/Program.cs", "1\n");
        Write("target/src/Program.cs", "2\n");
        Write("outside/Directory.Packages.props", "someone else's\n");
        Write("outside/src/Program.cs", "someone else's\n");
        Directory.CreateDirectory(Path.Combine(_root, "repo"));
        var outside = Path.Combine(_root, "outside", link);
        if (Directory.Exists(outside))
        {
            Directory.CreateSymbolicLink(Path.Combine(_root, "repo", link), outside);
        }
        else
        {
            File.CreateSymbolicLink(Path.Combine(_root, "repo", link), outside);
        }

        var (changes, problem) = await UpgradePlanner.PlanAsync(Path.Combine(_root, "repo"), Path.Combine(_root, "base"), Path.Combine(_root, "target"), ("1.0.0", "1.1.0"), _root, Ct);

        Assert.Empty(changes);
        Assert.Contains($"{link} is a symbolic link", problem, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
