using GoldenPath.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace GoldenPath.Cli.Tests;

/// <summary>The CLI as teams get it: packed, installed with <c>dotnet tool install</c>, and called by the generated pipeline.</summary>
public sealed class InstalledToolTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThePackedToolInstallsAndRuns()
    {
        var root = Directory.CreateTempSubdirectory("goldenpath-tool-").FullName;
        try
        {
            var feed = Path.Combine(root, "feed");
            var pack = await Cli.ProcessAsync("dotnet", ["pack", Path.Combine(Repository.Root, "sdk", "GoldenPath.Cli", "GoldenPath.Cli.csproj"), "-c", "Release", "-o", feed, "-v", "q", "-clp:NoSummary"], Repository.Root);
            Assert.True(pack.ExitCode == 0, pack.Output);
            var version = Path.GetFileNameWithoutExtension(Directory.GetFiles(feed, "GoldenPath.Cli.*.nupkg").Single())["GoldenPath.Cli.".Length..];

            // An isolated packages folder: a package packed earlier with the same version is never taken from the cache.
            await File.WriteAllTextAsync(Path.Combine(root, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources><clear /><add key="local" value="{feed}" /></packageSources>
                  <config><add key="globalPackagesFolder" value="{Path.Combine(root, "packages")}" /></config>
                </configuration>
                """, Ct);
            var tools = Path.Combine(root, "tools");
            var install = await Cli.ProcessAsync("dotnet", ["tool", "install", "GoldenPath.Cli", "--version", version, "--tool-path", tools, "--configfile", Path.Combine(root, "nuget.config")], root);
            Assert.True(install.ExitCode == 0, install.Output);

            var manifests = Path.Combine(root, "deploy");
            KustomizeLayout.Write(new DeploymentModel { Workloads = [new Workload { Name = "orders-api", Owner = "team-payments", System = "shop" }] }, manifests);
            var goldenpath = Path.Combine(tools, "goldenpath");

            var help = await Cli.ProcessAsync(goldenpath, ["--help"], root);
            var validate = await Cli.ProcessAsync(goldenpath, ["manifests", "validate", manifests], root);
            var usage = await Cli.ProcessAsync(goldenpath, ["manifests", "validate"], root);

            Assert.True(help.ExitCode == 0, help.Output);
            foreach (var command in new[] { "manifests", "namespace", "deployment", "catalog", "doctor", "upgrade" })
            {
                Assert.Contains($"  {command} ", help.Output, StringComparison.Ordinal);
            }

            Assert.True(validate.ExitCode == 0, validate.Output);
            Assert.Contains("built with kubectl kustomize): passed", validate.Output, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Usage, usage.ExitCode);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void TheGeneratedUpgradeWorkflowRunsTheUpgradeOnAScheduleAndOpensAPullRequest()
    {
        var workflow = Path.Combine(Repository.Root, "templates", "GoldenPath.Templates", "content", "shared", ".github", "workflows", "golden-path-upgrade.yml");
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(workflow)));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;

        Assert.True(((YamlMappingNode)root["on"]).Children.ContainsKey("schedule"), "the upgrade runs on a schedule");
        var runs = ((YamlMappingNode)root["jobs"]).Children.Values
            .SelectMany(job => ((YamlSequenceNode)((YamlMappingNode)job)["steps"]).Children.Cast<YamlMappingNode>())
            .Where(step => step.Children.ContainsKey("run"))
            .SelectMany(step => ((YamlScalarNode)step["run"]).Value!.Split('\n'))
            .Select(line => line.Trim())
            .ToList();
        var upgrade = Assert.Single(runs, line => line.StartsWith("dotnet goldenpath ", StringComparison.Ordinal));
        var parse = GoldenPathCli.Create().Parse(upgrade.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2..].TakeWhile(a => a != ">").ToArray());
        Assert.True(parse.Errors.Count == 0, $"`{upgrade}`: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        Assert.Equal("upgrade", parse.CommandResult.Command.Name);
        Assert.Contains(runs, line => line.StartsWith("gh pr create ", StringComparison.Ordinal));
    }

    [Fact]
    public void TheGeneratedPipelineCallsTheCommandsAsDocumented()
    {
        var workflow = Path.Combine(Repository.Root, "templates", "GoldenPath.Templates", "content", "shared", ".github", "workflows", "golden-path.yml");
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(workflow)));

        var commands = ((YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["jobs"]).Children.Values
            .SelectMany(job => ((YamlSequenceNode)((YamlMappingNode)job)["steps"]).Children.Cast<YamlMappingNode>())
            .Where(step => step.Children.ContainsKey("run"))
            .SelectMany(step => ((YamlScalarNode)step["run"]).Value!.Split('\n'))
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("dotnet goldenpath ", StringComparison.Ordinal))
            .ToList();

        Assert.Equal(["catalog validate", "manifests validate", "deployment report"], commands.Select(c => string.Join(' ', c.Split(' ')[2..4])));
        foreach (var command in commands)
        {
            // GitHub expressions become sample values; the outcome's expression yields success or failure.
            var line = System.Text.RegularExpressions.Regex.Replace(command, @"\$\{\{[^}]*'success'[^}]*\}\}", "success");
            line = System.Text.RegularExpressions.Regex.Replace(line, @"\$\{\{[^}]*\}\}", "x");
            var parse = GoldenPathCli.Create().Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2..]);
            Assert.True(parse.Errors.Count == 0, $"`{command}`: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        }
    }
}
