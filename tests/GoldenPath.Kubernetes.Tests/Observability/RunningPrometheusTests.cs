using GoldenPath.Catalog;
using GoldenPath.Tests;

namespace GoldenPath.Kubernetes.Tests.Observability;

/// <summary>
/// A real golden-path service (tests/Apps/ProbeService, run as a process) and a real Prometheus that reads its metrics and
/// evaluates the rules generated for it: the SLI it records equals the error ratio of the load sent, and every query of
/// the generated dashboard parses and finds series.
/// </summary>
public sealed class RunningPrometheusTests
{
    /// <summary>The recorded SLI may differ from the sent ratio by this much (rate()'s extrapolation over identical scrapes cancels out).</summary>
    private const double Tolerance = 0.002;

    [Fact]
    public async Task TheRecordedSliOfARealServiceEqualsTheErrorRatioOfItsLoadAndEveryDashboardQueryFindsSeries()
    {
        var component = CatalogInfoReader.Read(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "tests", "Apps", "ProbeService", CatalogInfoReader.FileName), TestContext.Current.CancellationToken))
            .OfType<ComponentEntity>().Single();
        var identity = ServiceIdentity.FromComponent(component);
        // Route groups as a service declares them (goldenpath.dev/slo-routes): each failing and each passing endpoint on its own.
        var objectives = ServiceLevelObjectives.For(component) with { Routes = [new("boom", "GET", ["/boom"]), new("work", "GET", ["/work", "/odd"])] };
        var workload = new Workload { Name = identity.Name, Owner = identity.Owner, System = identity.System, Objectives = objectives };

        // The metrics reach Prometheus as the OTLP path names them: job = service.namespace/service.name. Debian's Prometheus
        // has no OTLP receiver, so it scrapes the same instruments from the service's /metrics under that job.
        await using var service = await ServiceProcess.StartWebAsync(ServiceProcess.BuildOutput("tests/Apps/ProbeService", "ProbeService.dll"), ["web"],
            new Dictionary<string, string?> { ["Probe__PrometheusEndpoint"] = "true" });
        // One round of the load's mix before Prometheus' first scrape: both series start at the same scrape, in proportion.
        await SendAsync(service, requests: 10);
        var target = service.Http.BaseAddress!.Authority;
        var configuration = $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [{workload.Name}.rules]
            scrape_configs:
              - job_name: {SloRules.Job(workload)}
                static_configs: [{"{"}targets: ['{target}']{"}"}]
            """;
        await using var prometheus = await PrometheusServer.StartAsync(configuration, new Dictionary<string, string> { [$"{workload.Name}.rules"] = ObservabilityLayout.RulesFile(workload) });
        await Poll.UntilAsync(async () => await prometheus.ScalarAsync($"sum({SloRules.RequestCount}{{job=\"{SloRules.Job(workload)}\"}})") == 10, TimeSpan.FromSeconds(30), "the first scrape", TimeSpan.FromMilliseconds(250));

        // 500 requests, one in ten failing with a 500: an error ratio of exactly 0.1.
        await SendAsync(service, requests: 500);
        var sli = $"{SloRules.ErrorRatio}5m{{service=\"{workload.Name}\",slo=\"availability\"}}";
        await Poll.UntilAsync(async () => await prometheus.ScalarAsync($"sum({SloRules.RequestCount}{{job=\"{SloRules.Job(workload)}\"}})") == 510, TimeSpan.FromSeconds(30), "the load to be scraped", TimeSpan.FromMilliseconds(250));
        // Two more evaluations of the rules after the last scrape of the load.
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);

        var recorded = await prometheus.ScalarAsync(sli);
        Assert.NotNull(recorded);
        TestContext.Current.SendDiagnosticMessage($"recorded SLI (error ratio over 5m): {recorded}");
        Assert.InRange(recorded.Value, 0.1 - Tolerance, 0.1 + Tolerance);
        // The route groups select by http.route as the service reports it: /boom always fails, /work never does.
        Assert.Equal(1, await prometheus.ScalarAsync($"{SloRules.ErrorRatio}5m{{service=\"{workload.Name}\",slo=\"boom-availability\"}}"));
        Assert.Equal(0, await prometheus.ScalarAsync($"{SloRules.ErrorRatio}5m{{service=\"{workload.Name}\",slo=\"work-availability\"}}"));
        // 99 % allowed (experimental): a 10 % error ratio over the whole period has overspent the budget ten times over.
        var budget = await prometheus.ScalarAsync($"{SloRules.BudgetRemaining}{{service=\"{workload.Name}\",slo=\"availability\"}}");
        Assert.NotNull(budget);
        Assert.InRange(budget.Value, 1 - ((0.1 + Tolerance) / 0.01), 1 - ((0.1 - Tolerance) / 0.01));

        foreach (var expression in SloDashboard.Expressions(workload))
        {
            var answer = await prometheus.QueryAsync(expression);
            Assert.True(answer.GetProperty("status").GetString() == "success", $"{expression}: {answer}");
            Assert.True(answer.GetProperty("data").GetProperty("result").GetArrayLength() > 0, $"no series for the dashboard's query {expression}");
        }

        var broken = await prometheus.QueryAsync("sum(rate(http_server_request_duration_seconds_count[5m])");
        Assert.Equal("bad_data", broken.GetProperty("errorType").GetString());
    }

    /// <summary>Sends requests to the service, every tenth to an endpoint that fails with a 500.</summary>
    private static async Task SendAsync(ServiceProcess service, int requests)
    {
        for (var i = 1; i <= requests; i++)
        {
            using var response = await service.Http.GetAsync(i % 10 == 0 ? "/boom" : "/work", TestContext.Current.CancellationToken);
            Assert.Equal(i % 10 == 0 ? 500 : 200, (int)response.StatusCode);
        }
    }
}
