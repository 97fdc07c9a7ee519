using System.Globalization;
using GoldenPath.Catalog;

namespace GoldenPath.Kubernetes;

/// <summary>One of a service's two objectives over its HTTP requests.</summary>
/// <param name="Name">The objective's name, the <c>slo</c> label: <c>availability</c> or <c>latency</c>.</param>
/// <param name="Target">The share of good requests, as a ratio (0.999).</param>
/// <param name="BadRequests">PromQL of the bad requests per second over a window.</param>
/// <param name="AllRequests">PromQL of all the requests the objective counts, per second over a window.</param>
/// <param name="Description">What a bad request is, for alerts and the dashboard.</param>
internal sealed record SloObjective(string Name, double Target, Func<string, string> BadRequests, Func<string, string> AllRequests, string Description)
{
    public double Budget => Math.Round(1 - Target, 6);
}

/// <summary>
/// Prometheus rules for a service's objectives, after the Google SRE workbook's "multiwindow, multi-burn-rate alerts":
/// recording rules for the ratio of bad requests over 5m, 30m, 1h, 2h, 6h, 1d, 3d and the objective's period, the
/// remaining error budget, and two alerts per objective — a page when the budget burns 14.4 times too fast over 1h
/// (confirmed over 5m) or 6 times over 6h (confirmed over 30m), a ticket at 3 times over 1d (2h) or once over 3d (6h).
/// The series are the ones Prometheus stores for a golden-path service's OTLP metrics:
/// <c>http_server_request_duration_seconds_count</c> and <c>_bucket</c>, with <c>job</c> =
/// <c>service.namespace/service.name</c> (system/name).
/// </summary>
internal static class SloRules
{
    /// <summary>The request counter (the histogram's count) as Prometheus names ASP.NET Core's <c>http.server.request.duration</c>.</summary>
    public const string RequestCount = "http_server_request_duration_seconds_count";

    /// <summary>The histogram's buckets.</summary>
    public const string RequestBucket = "http_server_request_duration_seconds_bucket";

    /// <summary>The recorded ratio of bad requests; the window is appended (<c>…:ratio_rate5m</c>).</summary>
    public const string ErrorRatio = "goldenpath:slo_errors:ratio_rate";

    /// <summary>The recorded remaining error budget over the objective's period, a ratio (1 = untouched, below 0 = overspent).</summary>
    public const string BudgetRemaining = "goldenpath:slo_error_budget:remaining";

    /// <summary>The recorded objective (the share of good requests), for dashboards.</summary>
    public const string Objective = "goldenpath:slo_objective:ratio";

    /// <summary>The alert that pages.</summary>
    public const string PageAlert = "GoldenPathErrorBudgetBurn";

    /// <summary>The alert that opens a ticket.</summary>
    public const string TicketAlert = "GoldenPathErrorBudgetSlowBurn";

    /// <summary>The short windows of the alerts.</summary>
    internal static readonly string[] Windows = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];

    /// <summary>The workbook's pairs: long window, short window, burn rate, severity.</summary>
    internal static readonly (string Long, string Short, double Burn, string Severity)[] BurnRates =
    [
        ("1h", "5m", 14.4, "page"), ("6h", "30m", 6, "page"),
        ("1d", "2h", 3, "ticket"), ("3d", "6h", 1, "ticket"),
    ];

    /// <summary>The Prometheus <c>job</c> of a service's OTLP metrics: <c>service.namespace/service.name</c>.</summary>
    /// <param name="workload">The workload.</param>
    /// <returns>The job.</returns>
    public static string Job(Workload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return $"{workload.System}/{workload.Name}";
    }

    /// <summary>The objectives a workload's rules are made for: its declared ones, or those of the lifecycle it did not name.</summary>
    internal static ServiceLevelObjectives ObjectivesOf(Workload workload) => workload.Objectives ?? ServiceLevelObjectives.OtherDefaults;

    /// <summary>The two objectives of a workload, with their PromQL.</summary>
    internal static IReadOnlyList<SloObjective> Objectives(Workload workload)
    {
        var objectives = ObjectivesOf(workload);
        var threshold = objectives.LatencyThresholdSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        // The service's requests, then each route group's: requests of its method to its routes (http.route is the route template).
        var scopes = new List<(string Prefix, string Matchers, string Where)> { ("", $"job=\"{Job(workload)}\"", "") };
        scopes.AddRange(objectives.Routes.Select(r => ($"{r.Name}-", $"job=\"{Job(workload)}\",http_request_method=\"{r.Method}\",http_route=~\"{RouteRegex(r.Routes)}\"",
            $" among {r.Method} {string.Join(", ", r.Routes)}")));
        var list = new List<SloObjective>();
        foreach (var (prefix, matchers, where) in scopes)
        {
            string All(string window) => $"sum(rate({RequestCount}{{{matchers}}}[{window}]))";
            list.Add(new($"{prefix}availability", objectives.Availability / 100,
                window => $"(sum(rate({RequestCount}{{{matchers},http_response_status_code=~\"5..\"}}[{window}])) or vector(0))", All, $"requests{where} answered with a 5xx"));
            list.Add(new($"{prefix}latency", objectives.LatencyPercent / 100,
                window => $"({All(window)} - (sum(rate({RequestBucket}{{{matchers},le=\"{threshold}\"}}[{window}])) or vector(0)))", All,
                $"requests{where} slower than {ServiceLevelObjectives.FormatThreshold(objectives.LatencyThresholdSeconds)}"));
        }

        return list;
    }

    /// <summary>A fully anchored RE2 alternation of route templates, escaped for the regex and then for a PromQL string.</summary>
    private static string RouteRegex(IEnumerable<string> routes) =>
        string.Join("|", routes.Select(r => string.Concat(r.Select(c => "\\.+*?()|[]{}^$".Contains(c, StringComparison.Ordinal) ? $"\\\\{c}" : c.ToString()))));

    /// <summary>The PromQL of all requests per second over a window.</summary>
    internal static string Total(Workload workload, string window) => $"sum(rate({RequestCount}{{job=\"{Job(workload)}\"}}[{window}]))";

    /// <summary>The PromQL of the ratio of bad requests over a window.</summary>
    internal static string Ratio(SloObjective objective, string window) => $"{objective.BadRequests(window)} / {objective.AllRequests(window)}";

    /// <summary>The objective's period as a PromQL duration (<c>30d</c>).</summary>
    internal static string Period(Workload workload) => $"{ObjectivesOf(workload).WindowDays}d";

    /// <summary>The rule groups of a workload: one of recording rules, one of alerts.</summary>
    /// <param name="workload">The workload.</param>
    /// <returns>The groups.</returns>
    public static IReadOnlyList<PrometheusRuleGroup> Groups(Workload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var recording = new PrometheusRuleGroup { Name = $"goldenpath-slo-{workload.Name}-sli" };
        var alerts = new PrometheusRuleGroup { Name = $"goldenpath-slo-{workload.Name}-alerts" };
        var period = Period(workload);
        foreach (var objective in Objectives(workload))
        {
            var labels = Labels(workload, objective);
            foreach (var window in Windows.Append(period).Distinct(StringComparer.Ordinal))
            {
                recording.Rules.Add(new PrometheusRuleEntry { Record = ErrorRatio + window, Expr = Ratio(objective, window), Labels = new SortedDictionary<string, string>(labels, StringComparer.Ordinal) });
            }

            recording.Rules.Add(new PrometheusRuleEntry { Record = Objective, Expr = $"vector({Number(objective.Target)})", Labels = new SortedDictionary<string, string>(labels, StringComparer.Ordinal) });
            recording.Rules.Add(new PrometheusRuleEntry
            {
                Record = BudgetRemaining,
                Expr = $"1 - ({ErrorRatio}{period}{Selector(labels)} / {Number(objective.Budget)})",
                Labels = new SortedDictionary<string, string>(labels, StringComparer.Ordinal),
            });

            foreach (var severity in new[] { "page", "ticket" })
            {
                var pairs = BurnRates.Where(b => b.Severity == severity).Select(b =>
                    $"({ErrorRatio}{b.Long}{Selector(labels)} > {Number(b.Burn)} * {Number(objective.Budget)} and {ErrorRatio}{b.Short}{Selector(labels)} > {Number(b.Burn)} * {Number(objective.Budget)})");
                var described = string.Join(" or ", BurnRates.Where(b => b.Severity == severity).Select(b => $"{Number(b.Burn)}x over {b.Long} (and {b.Short})"));
                alerts.Rules.Add(new PrometheusRuleEntry
                {
                    Alert = severity == "page" ? PageAlert : TicketAlert,
                    Expr = string.Join("\nor\n", pairs),
                    Labels = new SortedDictionary<string, string>(labels, StringComparer.Ordinal) { ["severity"] = severity, ["team"] = workload.Owner },
                    Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["summary"] = $"{workload.Name} is spending its {objective.Name} error budget too fast ({described})",
                        ["description"] = $"The objective is {Number(objective.Target * 100)} % of requests good over {period}; bad are {objective.Description}. " +
                            $"At this rate the budget ({Number(objective.Budget * 100)} % of requests) lasts far less than {period}. " +
                            $"Dashboard: goldenpath-{workload.Name}.",
                    },
                });
            }
        }

        return [recording, alerts];
    }

    private static SortedDictionary<string, string> Labels(Workload workload, SloObjective objective) =>
        new(StringComparer.Ordinal) { ["service"] = workload.Name, ["system"] = workload.System, ["slo"] = objective.Name };

    private static string Selector(IDictionary<string, string> labels) =>
        "{" + string.Join(",", labels.Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";

    internal static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
