using System.Text.Json;
using GoldenPath.Kubernetes;

namespace GoldenPath.Cli.Tests;

/// <summary><c>goldenpath manifests validate</c>: table, JSON, SARIF and the exit codes.</summary>
public sealed class ManifestsValidateTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("goldenpath-cli-").FullName;

    public ManifestsValidateTests()
    {
        KustomizeLayout.Write(new DeploymentModel
        {
            Workloads = [new Workload { Name = "orders-api", Owner = "team-payments", System = "shop" }],
            DataServices = [new DataService("postgres", DataServiceKind.Postgres, "docker.io/library/postgres:17")],
        }, _directory);
    }

    [Fact]
    public async Task ThePublishOutputPassesWithATable()
    {
        var (exitCode, output, _) = await Cli.RunAsync("manifests", "validate", _directory);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Matches(@"\nwaived\s+GPK015\s+StatefulSet/postgres\s", output);
        Assert.EndsWith("objects: passed, 0 error(s), 0 warning(s), 2 waived.\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnErrorFailsWithExitCode1InEveryFormat()
    {
        var deployment = Path.Combine(_directory, "base", "orders-api", "orders-api.yaml");
        await File.WriteAllTextAsync(deployment, (await File.ReadAllTextAsync(deployment, TestContext.Current.CancellationToken)).Replace("image: orders-api:0.1.0", "image: orders-api:latest", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var table = await Cli.RunAsync("manifests", "validate", _directory);
        var json = await Cli.RunAsync("manifests", "validate", _directory, "--format", "json");
        var sarif = await Cli.RunAsync("manifests", "validate", _directory, "--format", "sarif");

        Assert.Equal([ExitCodes.Failed, ExitCodes.Failed, ExitCodes.Failed], new[] { table.ExitCode, json.ExitCode, sarif.ExitCode });
        Assert.Matches(@"\nerror\s+GPK013\s+Deployment/orders-api\s+base/orders-api/orders-api\.yaml:[0-9]+\s+container 'orders-api': image 'orders-api:latest' has no tag or 'latest'", table.Output);
        Assert.StartsWith("LEVEL ", table.Output, StringComparison.Ordinal);

        using var result = JsonDocument.Parse(json.Output);
        Assert.False(result.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(1, result.RootElement.GetProperty("errors").GetInt32());
        Assert.Contains(result.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("check").GetString() == "GPK013" && f.GetProperty("file").GetString() == "base/orders-api/orders-api.yaml");

        using var log = JsonDocument.Parse(sarif.Output);
        Assert.Equal("2.1.0", log.RootElement.GetProperty("version").GetString());
        var run = log.RootElement.GetProperty("runs")[0];
        Assert.Equal(PolicyEngine.Checks.Count, run.GetProperty("tool").GetProperty("driver").GetProperty("rules").GetArrayLength());
        var results = run.GetProperty("results").EnumerateArray().ToList();
        var error = Assert.Single(results, r => r.GetProperty("level").GetString() == "error" && !r.TryGetProperty("suppressions", out _));
        Assert.Equal("GPK013", error.GetProperty("ruleId").GetString());
        Assert.Equal("base/orders-api/orders-api.yaml", error.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(2, results.Count(r => r.TryGetProperty("suppressions", out _)));
    }

    [Fact]
    public async Task OutputGoesToAFileWithASummaryOnTheConsole()
    {
        var file = Path.Combine(_directory, "policy.sarif");

        var (exitCode, output, _) = await Cli.RunAsync("manifests", "validate", Path.Combine(_directory, "base"), "--format", "sarif", "--output", file);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.StartsWith("8 objects: passed", output, StringComparison.Ordinal);
        Assert.Equal("2.1.0", JsonDocument.Parse(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public async Task AMissingPathOrAnUnknownFormatIsAUsageError()
    {
        var missing = await Cli.RunAsync("manifests", "validate", Path.Combine(_directory, "nope"));
        var format = await Cli.RunAsync("manifests", "validate", _directory, "--format", "yaml");

        Assert.Equal(ExitCodes.Usage, missing.ExitCode);
        Assert.Contains("no manifest file or directory at", missing.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, format.ExitCode);
        Assert.Contains("'yaml' not recognized", format.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
