using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using GoldenPath.Catalog;
using GoldenPath.Catalog.Client;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Kubernetes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// Budgets through the platform: a real Prometheus scrapes two services' request counters (0.1 % and 50 % errors),
/// evaluates the rules the publish step generates for them, and the platform, configured with its URL, answers each
/// service's remaining budget and passes its slos-declared check.
/// </summary>
public sealed class SloBudgetTests : IDisposable
{
    private static readonly PlatformJsonContext Json = PlatformJsonContext.Default;
    private readonly SqliteStore _store = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Experimental services: 99 % available (a budget of 1 %), 90 % within 1 s.
    private static Workload Service(string name) => new() { Name = name, Owner = "team-pay", System = "payments", Objectives = ServiceLevelObjectives.Defaults("experimental") };

    [Fact]
    public async Task AServicesRemainingBudgetIsReadThroughThePlatformFromARealPrometheus()
    {
        await using var metrics = await MetricsEndpoint.StartAsync();
        var healthy = Service("pay-api");
        var burning = Service("pay-api-legacy");
        var configuration = $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [pay-api.rules, pay-api-legacy.rules]
            scrape_configs:
              - job_name: {SloRules.Job(healthy)}
                metrics_path: /healthy
                static_configs: [{"{"}targets: ['{metrics.Authority}']{"}"}]
              - job_name: {SloRules.Job(burning)}
                metrics_path: /burning
                static_configs: [{"{"}targets: ['{metrics.Authority}']{"}"}]
            """;
        await using var prometheus = await PrometheusServer.StartAsync(configuration, new Dictionary<string, string>
        {
            ["pay-api.rules"] = ObservabilityLayout.RulesFile(healthy),
            ["pay-api-legacy.rules"] = ObservabilityLayout.RulesFile(burning),
        });
        await using var handle = await _store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), new() { ["GoldenPath:Platform:PrometheusUrl"] = prometheus.Address.ToString() });
        var platform = handle.App;
        foreach (var name in new[] { "pay-api", "pay-api-legacy", "pay-web" })
        {
            (await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", new ServiceUpsertRequest("team-pay", "experimental", "payments"), Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        }

        var client = new PlatformClient(platform.Admin);
        var read = await RecordedAsync(client, "pay-api");
        var legacy = await RecordedAsync(client, "pay-api-legacy");

        // 0.1 % errors against a 1 % budget: 90 % of it left; every request is fast: all of the latency budget left.
        var availability = read.Objectives.Single(o => o.Slo == "availability");
        Assert.Equal(0.99, availability.Objective);
        Assert.InRange(availability.BudgetRemaining!.Value, 0.89, 0.91);
        Assert.Equal(1, read.Objectives.Single(o => o.Slo == "latency").BudgetRemaining);
        // The burning service's series (a name that starts with pay-api's) are its own: 50 % errors overspend it 49 times.
        Assert.InRange(legacy.Objectives.Single(o => o.Slo == "availability").BudgetRemaining!.Value, -50, -48);
        // A service whose rules Prometheus does not load has no objectives, and its scorecard says why.
        Assert.Empty((await client.GetObjectivesAsync("pay-web", Ct)).Objectives);

        var scorecard = (await platform.Admin.GetFromJsonAsync("/api/v1/scorecards/pay-api", Json.Scorecard, Ct))!.Checks.Single(c => c.Id == "slos-declared");
        var missing = (await platform.Admin.GetFromJsonAsync("/api/v1/scorecards/pay-web", Json.Scorecard, Ct))!.Checks.Single(c => c.Id == "slos-declared");
        Assert.True(scorecard.Passed, scorecard.Reason);
        Assert.Equal("Recorded: availability 0.99, latency 0.9.", scorecard.Reason);
        Assert.False(missing.Passed);
        Assert.Contains("observability/<name>-rules.yaml", missing.Reason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await platform.Admin.GetAsync("/api/v1/services/nobody/slos", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.Anonymous.GetAsync("/api/v1/services/pay-api/slos", Ct)).StatusCode);
    }

    [Fact]
    public async Task WithoutAPrometheusTheBudgetIsAConflictThatSaysWhatToConfigure()
    {
        await using var handle = await _store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow));
        await handle.App.Admin.PutAsJsonAsync("/api/v1/services/pay-api", new ServiceUpsertRequest("team-pay", "experimental", "payments"), Json.ServiceUpsertRequest, Ct);

        using var response = await handle.App.Admin.GetAsync("/api/v1/services/pay-api/slos", Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("GoldenPath:Platform:PrometheusUrl", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APrometheusThatCannotBeReadIsABadGatewayThatShowsNoCredentialOfItsUrl()
    {
        using var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var handle = await _store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), new() { ["GoldenPath:Platform:PrometheusUrl"] = $"http://reader:s3cret-pass@127.0.0.1:{port}/" });
        await handle.App.Admin.PutAsJsonAsync("/api/v1/services/pay-api", new ServiceUpsertRequest("team-pay", "experimental", "payments"), Json.ServiceUpsertRequest, Ct);

        using var response = await handle.App.Admin.GetAsync("/api/v1/services/pay-api/slos", Ct);
        var scorecard = await handle.App.Admin.GetStringAsync("/api/v1/scorecards/pay-api", Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains($"http://127.0.0.1:{port}", body, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pass", body, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pass", scorecard, StringComparison.Ordinal);
    }

    public void Dispose() => _store.Dispose();

    /// <summary>The service's objectives through the platform, once Prometheus has recorded a budget for each (a few scrapes and evaluations).</summary>
    private static async Task<ServiceObjectives> RecordedAsync(PlatformClient client, string service)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var read = await client.GetObjectivesAsync(service, Ct);
            if (read.Objectives.Count == 2 && read.Objectives.All(o => o.BudgetRemaining is not null))
            {
                return read;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"Prometheus recorded no budget for {service} within 30 s.");
            await Task.Delay(500, Ct);
        }
    }

    /// <summary>Two services' request counters in Prometheus' text format, growing at every scrape: 999 good and 1 failed, and 1 good and 1 failed.</summary>
    private sealed class MetricsEndpoint : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private long _scrapes;

        private MetricsEndpoint(WebApplication app) => _app = app;

        public string Authority => new Uri(_app.Urls.First()).Authority;

        public static async Task<MetricsEndpoint> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var endpoint = new MetricsEndpoint(app);
            app.MapGet("/healthy", () => endpoint.Exposition(good: 999, bad: 1));
            app.MapGet("/burning", () => endpoint.Exposition(good: 1, bad: 1));
            await app.StartAsync(Ct);
            return endpoint;
        }

        private IResult Exposition(long good, long bad)
        {
            var n = Interlocked.Increment(ref _scrapes);
            string Counters(string code, long count) => string.Create(CultureInfo.InvariantCulture,
                $"http_server_request_duration_seconds_bucket{{http_response_status_code=\"{code}\",le=\"1\"}} {count}\n" +
                $"http_server_request_duration_seconds_bucket{{http_response_status_code=\"{code}\",le=\"+Inf\"}} {count}\n" +
                $"http_server_request_duration_seconds_sum{{http_response_status_code=\"{code}\"}} {count * 0.01}\n" +
                $"http_server_request_duration_seconds_count{{http_response_status_code=\"{code}\"}} {count}\n");
            return Results.Text("# TYPE http_server_request_duration_seconds histogram\n" + Counters("200", good * n) + Counters("500", bad * n), "text/plain; version=0.0.4");
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
