using System.Text.Json;
using GoldenPath.Kubernetes;

namespace GoldenPath.Cli.Tests;

/// <summary><c>goldenpath manifests validate</c> on the publish output (a kustomize tree, each kustomization built by the real kubectl): table, JSON, SARIF and the exit codes.</summary>
public sealed class ManifestsValidateTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("goldenpath-cli-").FullName;

    public ManifestsValidateTests()
    {
        // What the publish step writes: the kustomize tree and the observability next to it.
        var model = new DeploymentModel
        {
            Workloads = [new Workload { Name = "orders-api", Owner = "team-payments", System = "shop" }],
            DataServices = [new DataService("postgres", DataServiceKind.Postgres, "docker.io/library/postgres:17")],
        };
        KustomizeLayout.Write(model, _directory);
        ObservabilityLayout.Write(model, _directory);
    }

    [Fact]
    public async Task ThePublishOutputPassesWithATable()
    {
        var (exitCode, output, _) = await Cli.RunAsync("manifests", "validate", _directory);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Matches(@"\nwaived\s+GPK015\s+StatefulSet/postgres\s+overlays/dev:", output);
        Assert.Matches(@"\nwaived\s+GPK015\s+Deployment/orders-api\s+overlays/dev:", output);
        Assert.EndsWith(" objects (base, base/orders-api, observability, overlays/dev, overlays/prod, overlays/staging built with kubectl kustomize): passed, 0 error(s), 0 warning(s), 3 waived, 0 excepted.\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnErrorFailsWithExitCode1InEveryFormat()
    {
        var deployment = Path.Combine(_directory, "base", "orders-api", "orders-api.yaml");
        var text = await File.ReadAllTextAsync(deployment, TestContext.Current.CancellationToken);
        Assert.Contains("readOnlyRootFilesystem: true", text, StringComparison.Ordinal);
        await File.WriteAllTextAsync(deployment, text.Replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var table = await Cli.RunAsync("manifests", "validate", _directory);
        var json = await Cli.RunAsync("manifests", "validate", _directory, "--format", "json");
        var sarif = await Cli.RunAsync("manifests", "validate", _directory, "--format", "sarif");

        Assert.Equal([ExitCodes.Failed, ExitCodes.Failed, ExitCodes.Failed], new[] { table.ExitCode, json.ExitCode, sarif.ExitCode });
        Assert.Matches(@"\nerror\s+GPK009\s+Deployment/orders-api\s+overlays/prod:[0-9]+\s+container 'orders-api': set securityContext.readOnlyRootFilesystem: true", table.Output);
        Assert.StartsWith("LEVEL ", table.Output, StringComparison.Ordinal);

        using var result = JsonDocument.Parse(json.Output);
        Assert.False(result.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(5, result.RootElement.GetProperty("errors").GetInt32());
        Assert.Equal(["base", "base/orders-api", "overlays/dev", "overlays/prod", "overlays/staging"], result.RootElement.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("check").GetString() == "GPK009").Select(f => f.GetProperty("file").GetString()).Order(StringComparer.Ordinal));

        using var log = JsonDocument.Parse(sarif.Output);
        Assert.Equal("2.1.0", log.RootElement.GetProperty("version").GetString());
        var run = log.RootElement.GetProperty("runs")[0];
        Assert.Equal(PolicyEngine.Checks.Count, run.GetProperty("tool").GetProperty("driver").GetProperty("rules").GetArrayLength());
        var results = run.GetProperty("results").EnumerateArray().ToList();
        var errors = results.Where(r => r.GetProperty("level").GetString() == "error" && !r.TryGetProperty("suppressions", out _)).ToList();
        Assert.Equal(["GPK009", "GPK009", "GPK009", "GPK009", "GPK009"], errors.Select(e => e.GetProperty("ruleId").GetString()));
        Assert.Contains(errors, e => e.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString() == "overlays/prod");
        Assert.Equal(3, results.Count(r => r.TryGetProperty("suppressions", out _)));
    }

    [Fact]
    public async Task OutputGoesToAFileWithASummaryOnTheConsole()
    {
        var file = Path.Combine(_directory, "policy.sarif");

        var (exitCode, output, _) = await Cli.RunAsync("manifests", "validate", Path.Combine(_directory, "base"), "--format", "sarif", "--output", file);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.StartsWith("15 objects (base, orders-api built with kubectl kustomize): passed", output, StringComparison.Ordinal);
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
