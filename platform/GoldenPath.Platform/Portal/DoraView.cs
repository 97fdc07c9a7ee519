using System.Globalization;
using GoldenPath.Catalog.Contracts;

namespace GoldenPath.Platform.Portal;

/// <summary>A DORA report and its weekly trend, as the DORA, service and team pages show them.</summary>
internal sealed record DoraView(DoraReport Report, DoraTrend Trend)
{
    public IEnumerable<(string Key, string Name, DoraMetric Metric)> Metrics =>
    [
        ("deploymentFrequency", "Deployment frequency", Report.DeploymentFrequency),
        ("leadTimeForChanges", "Lead time for changes", Report.LeadTimeForChanges),
        ("changeFailureRate", "Change failure rate", Report.ChangeFailureRate),
        ("failedDeploymentRecoveryTime", "Failed deployment recovery time", Report.FailedDeploymentRecoveryTime),
        ("deploymentReworkRate", "Deployment rework rate", Report.DeploymentReworkRate),
    ];

    /// <summary>A metric's value as the page shows it: per day to four places, hours to two, ratios as percentages to two.</summary>
    public static string Display(DoraMetric metric) => metric.Value is not { } value
        ? "not enough data"
        : metric.Unit switch
        {
            "per-day" => $"{value.ToString("0.####", CultureInfo.InvariantCulture)} per day",
            "ratio" => $"{(value * 100).ToString("0.##", CultureInfo.InvariantCulture)} %",
            _ => $"{value.ToString("0.##", CultureInfo.InvariantCulture)} hours",
        };

    public string DeploymentsChart => SvgChart.Bars("Deployments per week", "deployments", Trend.Weeks,
        [new ChartSeries("successful deployments", Trend.SuccessfulDeployments), new ChartSeries("failed changes (any outcome)", Trend.FailedDeployments)]);

    public string LeadTimeChart => SvgChart.Bars("Lead time for changes: commits by time to production", "commits", Trend.LeadTimeBuckets,
        [new ChartSeries("commits shipped by successful deployments", Trend.LeadTimeCommits)]);

    public string ChangeFailureChart => SvgChart.Lines("Change failure rate per week", "% of deployments", Trend.Weeks,
        [new ChartSeries("change failure rate (%)", Trend.ChangeFailurePercent)]);

    public string RecoveryChart => SvgChart.Lines("Failed deployment recovery time per week (median)", "hours", Trend.Weeks,
        [new ChartSeries("median recovery (hours)", Trend.RecoveryHours)]);
}
