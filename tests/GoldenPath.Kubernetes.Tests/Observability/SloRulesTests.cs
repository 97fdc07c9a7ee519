using System.Globalization;
using System.Text;
using GoldenPath.Catalog;

namespace GoldenPath.Kubernetes.Tests.Observability;

/// <summary>The generated Prometheus rules, checked and unit-tested by the real promtool.</summary>
public sealed class SloRulesTests
{
    /// <summary>A production service that declares 99.9 % available and 95 % within 250 ms over 30 days.</summary>
    internal static readonly Workload Orders = new()
    {
        Name = "orders", Owner = "team-shop", System = "shop",
        Objectives = ServiceLevelObjectives.For(new Dictionary<string, string>
        {
            [ServiceLevelObjectives.AvailabilityAnnotation] = "99.9",
            [ServiceLevelObjectives.LatencyAnnotation] = "p95 < 250ms",
        }, "production"),
    };

    internal static readonly Workload[] Workloads =
    [
        Orders,
        new() { Name = "billing", Owner = "team-pay", System = "payments", Objectives = ServiceLevelObjectives.Defaults("production") },
        new() { Name = "labs", Owner = "team-x", System = "team-x", Objectives = ServiceLevelObjectives.For(new Dictionary<string, string> { [ServiceLevelObjectives.WindowAnnotation] = "7d" }, "experimental") },
    ];

    [Fact]
    public async Task EveryGeneratedRulesFilePassesPromtoolCheckRules()
    {
        var promtool = ObservabilityTools.OnPath("promtool");
        var folder = Directory.CreateTempSubdirectory("goldenpath-rules-").FullName;
        try
        {
            var files = ObservabilityLayout.Render(new DeploymentModel { Workloads = Workloads })
                .Where(f => f.Key.EndsWith(".rules", StringComparison.Ordinal)).ToList();
            Assert.Equal(Workloads.Length, files.Count);
            foreach (var (path, content) in files)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, Path.GetFileName(path)), content, TestContext.Current.CancellationToken);
            }

            var (exitCode, output) = await ObservabilityTools.RunAsync(promtool, ["check", "rules", .. files.Select(f => Path.Combine(folder, Path.GetFileName(f.Key)))]);

            Assert.True(exitCode == 0, output);
            // 2 objectives x (8 ratios + objective + budget) recording rules and 2 alerts each, per file.
            Assert.True(Workloads.Length == output.Split('\n').Count(l => l.Contains("SUCCESS: 24 rules found", StringComparison.Ordinal)), output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ThePlatformsOwnRulesCoverItsApiHeartbeatAndCatalogReadsAndPassPromtool()
    {
        var component = CatalogInfoReader.Read(await File.ReadAllTextAsync(Path.Combine(GoldenPath.Tests.Repository.Root, "platform", "GoldenPath.Platform", CatalogInfoReader.FileName), TestContext.Current.CancellationToken))
            .OfType<ComponentEntity>().Single();
        var platform = new Workload { Name = "platform", Owner = "team-platform", System = "goldenpath", Objectives = ServiceLevelObjectives.For(component) };
        var folder = Directory.CreateTempSubdirectory("goldenpath-platform-rules-").FullName;
        try
        {
            var file = Path.Combine(folder, "platform.rules");
            await File.WriteAllTextAsync(file, ObservabilityLayout.RulesFile(platform), TestContext.Current.CancellationToken);

            var (exitCode, output) = await ObservabilityTools.RunAsync(ObservabilityTools.OnPath("promtool"), ["check", "rules", file]);

            Assert.True(exitCode == 0, output);
            // The API, the heartbeat path and the catalog reads: 2 objectives each, 10 recording rules and 2 alerts per objective.
            Assert.Contains("SUCCESS: 72 rules found", output, StringComparison.Ordinal);
            var heartbeat = SloRules.Groups(platform).SelectMany(g => g.Rules).Single(r => r.Record == "goldenpath:slo_errors:ratio_rate5m" && r.Labels!["slo"] == "heartbeat-availability");
            Assert.Contains("http_request_method=\"PUT\",http_route=~\"/api/v1/services/\\\\{name\\\\}/instances/\\\\{instanceId\\\\}\"", heartbeat.Expr, StringComparison.Ordinal);
            Assert.Contains(SloRules.Groups(platform).SelectMany(g => g.Rules), r => r.Alert == SloRules.PageAlert && r.Labels!["slo"] == "catalog-reads-latency");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ThePlainRulesFileAndThePrometheusRuleCarryTheSameRules()
    {
        var rule = ObservabilityLayout.Rule(Orders);
        var (documents, problems) = ManifestReader.Read(ManifestYaml.Serialize(rule), "orders-rules.yaml");

        Assert.Empty(problems);
        var read = Assert.IsType<PrometheusRule>(Assert.Single(documents).Object);
        Assert.Equal(ManifestYaml.Serialize(rule.Spec), ObservabilityLayout.RulesFile(Orders));
        Assert.Equal(ObservabilityLayout.RulesFile(Orders), ManifestYaml.Serialize(read.Spec));
    }

    [Fact]
    public void DeclaredObjectivesSetTheThresholdsOfTheRules()
    {
        var rules = SloRules.Groups(Orders).SelectMany(g => g.Rules).ToList();

        // 99.9 %: a budget of 0.001; the page at 14.4 times and 6 times it.
        var page = Assert.Single(rules, r => r.Alert == SloRules.PageAlert && r.Labels!["slo"] == "availability");
        Assert.Contains("goldenpath:slo_errors:ratio_rate1h{service=\"orders\",slo=\"availability\",system=\"shop\"} > 14.4 * 0.001", page.Expr, StringComparison.Ordinal);
        Assert.Contains("goldenpath:slo_errors:ratio_rate30m{service=\"orders\",slo=\"availability\",system=\"shop\"} > 6 * 0.001", page.Expr, StringComparison.Ordinal);
        // p95 < 250 ms: slow requests are those above the 0.25 s bucket; a budget of 0.05.
        Assert.Contains(rules, r => r.Record == "goldenpath:slo_errors:ratio_rate5m" && r.Labels!["slo"] == "latency" && r.Expr.Contains("le=\"0.25\"", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.Record == SloRules.BudgetRemaining && r.Labels!["slo"] == "latency" && r.Expr == "1 - (goldenpath:slo_errors:ratio_rate30d{service=\"orders\",slo=\"latency\",system=\"shop\"} / 0.05)");
        Assert.All(rules.Where(r => r.Record?.StartsWith(SloRules.ErrorRatio, StringComparison.Ordinal) == true), r => Assert.Contains("job=\"shop/orders\"", r.Expr, StringComparison.Ordinal));
    }

    /// <summary>
    /// The promtool unit tests (written from the scenarios below, with the generated rules file as rule_files): the page fires
    /// at 20x and 7x the allowed burn and is quiet at 5x; the ticket fires at 5x and 1.5x and is quiet at 0.8x; a page stops
    /// once the short windows are clean; a latency page fires when 40 % of requests are slow (budget 5 %).
    /// </summary>
    [Fact]
    public async Task BurnRateAlertsFireAtTheirBurnRateAndStayQuietBelowIt()
    {
        var promtool = ObservabilityTools.OnPath("promtool");
        var folder = Directory.CreateTempSubdirectory("goldenpath-rules-test-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "orders.rules"), ObservabilityLayout.RulesFile(Orders), TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(folder, "orders-test.yaml"), UnitTests(), TestContext.Current.CancellationToken);

            var (exitCode, output) = await ObservabilityTools.RunAsync(promtool, ["test", "rules", "orders-test.yaml"], folder);

            Assert.True(exitCode == 0, output);
            Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A scenario: per minute 1,000 requests, of which a share fails (or is slow), for a number of minutes, and then a share for more minutes.</summary>
    private sealed record Scenario(string Name, double BadShare, int Minutes, bool Latency, int EvalMinute, bool Page, bool Ticket, double LaterShare = -1, int LaterMinutes = 0);

    private static readonly Scenario[] Scenarios =
    [
        new("20x the allowed burn (2 % errors) pages and tickets", 0.02, 120, false, 60, Page: true, Ticket: true),
        new("7x (0.7 % errors) pages through the 6h/30m pair", 0.007, 120, false, 60, Page: true, Ticket: true),
        new("5x (0.5 % errors) does not page, tickets through the 1d/2h pair", 0.005, 120, false, 60, Page: false, Ticket: true),
        new("1.5x (0.15 % errors) tickets through the 3d/6h pair only", 0.0015, 120, false, 60, Page: false, Ticket: true),
        new("0.8x (0.08 % errors) is within budget: quiet", 0.0008, 120, false, 60, Page: false, Ticket: false),
        new("a page stops once the 5m and 30m windows are clean, though 1h and 6h still exceed", 0.02, 30, false, 65, Page: false, Ticket: true, LaterShare: 0, LaterMinutes: 90),
        new("latency: 40 % of requests slower than 250 ms (8x a 5 % budget) pages", 0.4, 120, true, 60, Page: true, Ticket: true),
        new("latency: 4 % slow is within budget: quiet", 0.04, 120, true, 60, Page: false, Ticket: false),
    ];

    private static string UnitTests()
    {
        var text = new StringBuilder("rule_files:\n  - orders.rules\nevaluation_interval: 1m\ntests:\n");
        var groups = SloRules.Groups(Orders);
        foreach (var scenario in Scenarios)
        {
            var slo = scenario.Latency ? "latency" : "availability";
            text.Append("  # ").Append(scenario.Name).Append('\n');
            text.Append("  - interval: 1m\n    input_series:\n");
            var bad = Series(scenario, s => s);
            var good = Series(scenario, s => 1 - s);
            var all = Series(scenario, _ => 1);
            if (scenario.Latency)
            {
                // Every request answers 200; the slow ones are above the 0.25 s bucket.
                Input(text, "http_server_request_duration_seconds_count{job=\"shop/orders\",http_response_status_code=\"200\"}", all);
                Input(text, "http_server_request_duration_seconds_bucket{job=\"shop/orders\",http_response_status_code=\"200\",le=\"0.25\"}", good);
            }
            else
            {
                // Every request is fast; the failed ones answer 500.
                Input(text, "http_server_request_duration_seconds_count{job=\"shop/orders\",http_response_status_code=\"200\"}", good);
                Input(text, "http_server_request_duration_seconds_count{job=\"shop/orders\",http_response_status_code=\"500\"}", bad);
                Input(text, "http_server_request_duration_seconds_bucket{job=\"shop/orders\",http_response_status_code=\"200\",le=\"0.25\"}", good);
                Input(text, "http_server_request_duration_seconds_bucket{job=\"shop/orders\",http_response_status_code=\"500\",le=\"0.25\"}", bad);
            }

            text.Append("    alert_rule_test:\n");
            foreach (var (alert, severity, fires) in new[] { (SloRules.PageAlert, "page", scenario.Page), (SloRules.TicketAlert, "ticket", scenario.Ticket) })
            {
                text.Append(CultureInfo.InvariantCulture, $"      - eval_time: {scenario.EvalMinute}m\n        alertname: {alert}\n        exp_alerts:\n");
                if (!fires)
                {
                    text.Append("          []\n");
                    continue;
                }

                var rule = groups.SelectMany(g => g.Rules).Single(r => r.Alert == alert && r.Labels!["slo"] == slo);
                text.Append("          - exp_labels:\n");
                foreach (var (key, value) in rule.Labels!)
                {
                    text.Append(CultureInfo.InvariantCulture, $"              {key}: {value}\n");
                }

                text.Append("            exp_annotations:\n");
                foreach (var (key, value) in rule.Annotations!)
                {
                    text.Append(CultureInfo.InvariantCulture, $"              {key}: \"{value.Replace("\"", "\\\"", StringComparison.Ordinal)}\"\n");
                }
            }
        }

        return text.ToString();
    }

    /// <summary>The counter's values, minute by minute, in promtool's expanding notation (<c>a+bxn</c>).</summary>
    private static string Series(Scenario scenario, Func<double, double> share)
    {
        var perMinute = share(scenario.BadShare) * 1000;
        var first = $"0+{perMinute.ToString("0.###", CultureInfo.InvariantCulture)}x{scenario.Minutes}";
        if (scenario.LaterMinutes == 0)
        {
            return first;
        }

        var reached = perMinute * scenario.Minutes;
        var later = share(scenario.LaterShare) * 1000;
        return $"{first} {(reached + later).ToString("0.###", CultureInfo.InvariantCulture)}+{later.ToString("0.###", CultureInfo.InvariantCulture)}x{scenario.LaterMinutes - 1}";
    }

    private static void Input(StringBuilder text, string series, string values) =>
        text.Append("      - series: '").Append(series).Append("'\n        values: '").Append(values).Append("'\n");
}
