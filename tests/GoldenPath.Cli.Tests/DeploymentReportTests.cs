using System.Net.Http.Headers;
using System.Net.Http.Json;
using GoldenPath.Catalog;
using GoldenPath.Catalog.Client;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Kubernetes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace GoldenPath.Cli.Tests;

/// <summary><c>goldenpath deployment report</c> against the real platform (Kestrel on a free port, SQLite) and a real git repository.</summary>
public sealed class DeploymentReportTests : IAsyncLifetime
{
    private const string AdminToken = "cli-test-admin-token-0123456789abcdef";
    private readonly string _data = Directory.CreateTempSubdirectory("goldenpath-platform-").FullName;
    private readonly string _repository = Directory.CreateTempSubdirectory("goldenpath-repo-").FullName;
    private WebApplicationFactory<global::Program> _platform = null!;
    private PlatformClient _client = null!;
    private Uri _url = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _platform = new WebApplicationFactory<global::Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ConnectionStrings:platform", "");
            builder.UseSetting("GoldenPath:Platform:DataDirectory", _data);
            builder.UseSetting("GoldenPath:Platform:BootstrapToken", AdminToken);
            builder.UseEnvironment("Production");
        });
        _platform.UseKestrel(0);
        _platform.StartServer();
        var http = _platform.CreateClient();
        _url = http.BaseAddress!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        _client = new PlatformClient(http);
        await _client.UpsertServiceAsync("orders-api", new ServiceUpsertRequest("team-payments", "production", "shop"), Ct);

        await Git("init", "-q", "-b", "main");
        await File.WriteAllTextAsync(Path.Combine(_repository, "catalog-info.yaml"),
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders-api\nspec:\n  type: service\n  lifecycle: production\n  owner: team-payments\n", Ct);
        await CommitAsync("first");
        await CommitAsync("second");
        await CommitAsync("third");
    }

    [Fact]
    public async Task EachReportCarriesTheCommitsSinceThePreviousDeployment()
    {
        var first = await ReportAsync("--version", "1.0.0", "--outcome", "success", "--url", "https://ci.example.com/runs/1");
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("to prod, success, 3 commit(s) since the start", first.Output, StringComparison.Ordinal);

        await CommitAsync("fourth");
        await CommitAsync("fifth");
        var head = (await Git("rev-parse", "HEAD")).Trim();
        var second = await ReportAsync("--version", "1.1.0", "--outcome", "failure");
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Contains("2 commit(s) since", second.Output, StringComparison.Ordinal);

        var deployments = await _client.ListDeploymentsAsync("orders-api", "prod", cancellationToken: Ct);
        var recorded = Assert.Single(deployments, d => d.Version == "1.1.0");
        Assert.Equal(head, recorded.Commit);
        Assert.Equal("failure", recorded.Outcome);
        Assert.Equal($"orders-api-prod-{head[..12]}", recorded.DeploymentId);
        Assert.Equal(2, recorded.Commits.Count);
        Assert.Equal("https://ci.example.com/runs/1", Assert.Single(deployments, d => d.Version == "1.0.0").Url);
    }

    [Fact]
    public async Task ARetriedReportIsANoOpAndAnEarlierCommitDeployedAgainInALaterRunIsANewDeployment()
    {
        var first = (await Git("rev-parse", "HEAD")).Trim();
        var deployed = await ReportInRunAsync("100", "--version", "1.0.0", "--outcome", "success");
        var retried = await ReportInRunAsync("100", "--version", "1.0.0", "--outcome", "success");
        await CommitAsync("fourth");
        var next = await ReportInRunAsync("101", "--version", "1.1.0", "--outcome", "success");
        var rollback = await ReportInRunAsync("102", "--version", "1.0.0", "--outcome", "success", "--commit", first);

        Assert.All(new[] { deployed, retried, next, rollback }, r => Assert.True(r.ExitCode == 0, r.Error));
        var deployments = await _client.ListDeploymentsAsync("orders-api", "prod", cancellationToken: Ct);
        Assert.Equal(
            [$"orders-api-prod-{first[..12]}-100.1", $"orders-api-prod-{first[..12]}-102.1"],
            deployments.Where(d => d.Commit == first).Select(d => d.DeploymentId).Order(StringComparer.Ordinal));
        Assert.Equal(3, deployments.Count);
    }

    [Fact]
    public async Task TheAppliedManifestsGoWithTheReportAndThePlatformChecksThem()
    {
        var model = new DeploymentModel { Workloads = [new Workload { Name = "orders-api", Owner = "team-payments", System = "shop" }] };
        var file = Path.Combine(_repository, "applied.yaml");
        await File.WriteAllTextAsync(file, NamespaceBootstrap.ToYaml(ManifestEmitter.Emit(model.Workloads[0], model).Append(ManifestEmitter.DefaultDeny())), Ct);

        var reported = await ReportAsync("--version", "1.0.0", "--outcome", "success", "--manifests", file);
        var missing = await ReportAsync("--version", "1.0.1", "--outcome", "success", "--manifests", Path.Combine(_repository, "none.yaml"));

        Assert.True(reported.ExitCode == 0, reported.Error);
        var recorded = Assert.Single(await _client.ListDeploymentsAsync("orders-api", "prod", cancellationToken: Ct));
        Assert.True(recorded.PolicyVerified);
        Assert.True(recorded.Policy!.Passed);
        Assert.Equal(ExitCodes.Usage, missing.ExitCode);
        Assert.Contains("none.yaml does not exist", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServicesDefaultDoraReportCountsTheDeploymentsThePipelineReportsToItsLastEnvironment()
    {
        var workflow = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "templates", "GoldenPath.Templates", "content", "shared", ".github", "workflows", "golden-path.yml"), Ct);
        var matrix = System.Text.RegularExpressions.Regex.Match(workflow, @"environment: \[(?<list>[^\]]+)\]");
        Assert.True(matrix.Success, "the generated workflow's deploy matrix lists no environments");
        var environments = matrix.Groups["list"].Value.Split(',', StringSplitOptions.TrimEntries);
        Assert.Equal(DeploymentEnvironments.All, environments);
        var production = environments[^1];

        var reported = await Cli.RunAsync(
            new Dictionary<string, string?> { ["GOLDENPATH_PLATFORM_URL"] = _url.ToString(), ["GOLDENPATH_PLATFORM_TOKEN"] = AdminToken },
            "deployment", "report", "--environment", production, "--version", "1.0.0", "--outcome", "success",
            "--repository", _repository, "--catalog-info", Path.Combine(_repository, "catalog-info.yaml"));
        Assert.True(reported.ExitCode == 0, reported.Error);

        var report = await _client.GetDoraAsync(service: "orders-api", cancellationToken: Ct);
        using var http = _platform.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        var served = await http.GetFromJsonAsync("/api/v1/dora?service=orders-api", PlatformJsonContext.Default.DoraReport, Ct);

        Assert.Equal((production, 1, 1), (report.Environment, report.Deployments, report.DeploymentFrequency.SampleSize));
        Assert.Equal((production, 1), (served!.Environment, served.Deployments));
    }

    [Fact]
    public async Task MissingSettingsAreUsageErrorsThatSayWhatToSet()
    {
        var noUrl = await Cli.RunAsync(new Dictionary<string, string?>(), "deployment", "report", "--environment", "prod", "--version", "1", "--outcome", "success");
        var noToken = await Cli.RunAsync(new Dictionary<string, string?> { ["GOLDENPATH_PLATFORM_URL"] = _url.ToString() }, "deployment", "report", "--environment", "prod", "--version", "1", "--outcome", "success");
        var badOutcome = await Cli.RunAsync("deployment", "report", "--environment", "prod", "--version", "1", "--outcome", "succeeded");

        Assert.Equal((ExitCodes.Usage, ExitCodes.Usage, ExitCodes.Usage), (noUrl.ExitCode, noToken.ExitCode, badOutcome.ExitCode));
        Assert.Contains("set GOLDENPATH_PLATFORM_URL", noUrl.Error, StringComparison.Ordinal);
        Assert.Contains("set GOLDENPATH_PLATFORM_TOKEN", noToken.Error, StringComparison.Ordinal);
        Assert.Contains("'succeeded' not recognized", badOutcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedReportFailsWithThePlatformsReason()
    {
        var (exitCode, _, error) = await Cli.RunAsync(
            new Dictionary<string, string?> { ["GOLDENPATH_PLATFORM_URL"] = _url.ToString(), ["GOLDENPATH_PLATFORM_TOKEN"] = "not-a-token" },
            "deployment", "report", "--environment", "prod", "--version", "1", "--outcome", "success", "--repository", _repository, "--catalog-info", Path.Combine(_repository, "catalog-info.yaml"));

        Assert.Equal(ExitCodes.Failed, exitCode);
        Assert.Contains("refused the deployment report", error, StringComparison.Ordinal);
        Assert.Contains("401", error, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _platform.DisposeAsync();
        Directory.Delete(_data, recursive: true);
        Directory.Delete(_repository, recursive: true);
    }

    private Task<(int ExitCode, string Output, string Error)> ReportAsync(params string[] options) =>
        Cli.RunAsync(
            new Dictionary<string, string?> { ["GOLDENPATH_PLATFORM_URL"] = _url.ToString(), ["GOLDENPATH_PLATFORM_TOKEN"] = AdminToken },
            ["deployment", "report", "--environment", "prod", "--repository", _repository, "--catalog-info", Path.Combine(_repository, "catalog-info.yaml"), .. options]);

    private Task<(int ExitCode, string Output, string Error)> ReportInRunAsync(string run, params string[] options) =>
        Cli.RunAsync(
            new Dictionary<string, string?> { ["GOLDENPATH_PLATFORM_URL"] = _url.ToString(), ["GOLDENPATH_PLATFORM_TOKEN"] = AdminToken, ["GITHUB_RUN_ID"] = run, ["GITHUB_RUN_ATTEMPT"] = "1" },
            ["deployment", "report", "--environment", "prod", "--repository", _repository, "--catalog-info", Path.Combine(_repository, "catalog-info.yaml"), .. options]);

    private async Task CommitAsync(string message)
    {
        await File.AppendAllTextAsync(Path.Combine(_repository, "changes.txt"), message + "\n", Ct);
        await Git("add", "-A");
        await Git("-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", message);
    }

    private async Task<string> Git(params string[] arguments)
    {
        var (exitCode, output) = await Cli.ProcessAsync("git", ["-C", _repository, .. arguments], _repository);
        Assert.True(exitCode == 0, output);
        return output;
    }
}
