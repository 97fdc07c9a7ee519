using System.Globalization;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;

namespace GoldenPath.Platform.Domain;

/// <summary>
/// The five DORA metrics over a window of deployments, from their facts (<see cref="DoraFacts"/>: what each deployment
/// contributes, decided when it or an incident naming it was written); see docs/dora.md for the definitions and the
/// arithmetic. Pure: everything it needs is passed in, so the arithmetic can be checked by hand.
/// </summary>
internal static class DoraCalculator
{
    public const int BandsReportYear = 2024;

    /// <summary>The report over the facts (<see cref="DoraFacts"/>) of the deployments to <paramref name="environment"/> that finished in the window.</summary>
    public static DoraReport Compute(
        string? service,
        string? team,
        string environment,
        DateTimeOffset from,
        DateTimeOffset to,
        IReadOnlyList<DeploymentFactEntity> facts)
    {
        var days = Math.Max(1, (int)Math.Round((to - from).TotalDays));
        var window = facts.Where(f => f.Environment == environment && f.FinishedAt >= from && f.FinishedAt <= to).ToList();
        if (window.Count == 0)
        {
            var none = $"No deployments to '{environment}' in the {days} days from {from:yyyy-MM-dd} to {to:yyyy-MM-dd}: report them with POST /api/v1/deployments.";
            return new DoraReport(service, team, environment, from, to, days, BandsReportYear, 0,
                Insufficient("per-day", none), Insufficient("hours", none), Insufficient("ratio", none), Insufficient("hours", none), Insufficient("ratio", none));
        }

        var successful = window.Where(f => f.Succeeded).ToList();
        var failed = window.Where(f => f.FailedIn(from, to)).ToList();
        return new DoraReport(service, team, environment, from, to, days, BandsReportYear, window.Count,
            DeploymentFrequency(successful.Count, days),
            LeadTime(successful),
            ChangeFailureRate(failed.Count, window.Count),
            RecoveryTime(failed, to),
            ReworkRate(window));
    }

    private static DoraMetric DeploymentFrequency(int successful, int days)
    {
        var perDay = (double)successful / days;
        var band = perDay >= 1 ? "elite" : perDay >= 1.0 / 7 ? "high" : perDay >= 1.0 / 30 ? "medium" : "low";
        return new DoraMetric(Math.Round(perDay, 4), "per-day", band, successful,
            $"{successful} successful deployments in {days} days. Bands: elite at least daily (on demand), high at least weekly, medium at least monthly, low less often.");
    }

    private static DoraMetric LeadTime(List<DeploymentFactEntity> successful)
    {
        var hours = new List<double>(successful.Sum(f => f.LeadTimeHours.Count));
        foreach (var fact in successful)
        {
            hours.AddRange(fact.LeadTimeHours);
        }

        if (hours.Count == 0)
        {
            return Insufficient("hours", "No successful deployment in the window reported the times of the commits it shipped (commits[] in the deployment event).");
        }

        var median = Median(hours);
        var band = median < 24 ? "elite" : median < 24 * 7 ? "high" : median < 24 * 30 ? "medium" : "low";
        return new DoraMetric(Math.Round(median, 2), "hours", band, hours.Count,
            $"Median of {hours.Count} commit-to-deployment times. Bands: elite under a day, high under a week, medium under a month, low longer.");
    }

    private static DoraMetric ChangeFailureRate(int failed, int total)
    {
        var rate = (double)failed / total;

        // The 2024 clusters are not ordered for this metric (elite 5%, medium 10%, high 20%, low 40%): a rate
        // takes the band of the nearest cluster value.
        var band = rate < 0.075 ? "elite" : rate < 0.15 ? "medium" : rate < 0.30 ? "high" : "low";
        return new DoraMetric(Math.Round(rate, 4), "ratio", band, total,
            $"{failed} of {total} deployments failed (outcome failure, a linked incident, or remediated by a rollback or hotfix). Band: the nearest 2024 cluster value (elite 5%, medium 10%, high 20%, low 40%).");
    }

    /// <param name="failed">The failed deployments of the window.</param>
    /// <param name="to">The end of the window: a recovery after it has not happened yet.</param>
    private static DoraMetric RecoveryTime(List<DeploymentFactEntity> failed, DateTimeOffset to)
    {
        if (failed.Count == 0)
        {
            return Insufficient("hours", "No failed deployment in the window, so there was nothing to recover from.");
        }

        var hours = failed.Where(f => f.RecoveredAt <= to && f.RecoveryHours is not null).Select(f => f.RecoveryHours!.Value).ToList();
        var unrecovered = failed.Count - hours.Count;
        var stillOpen = unrecovered == 0 ? "" : $" {unrecovered} failed deployments have not recovered yet and are left out.";
        if (hours.Count == 0)
        {
            return Insufficient("hours", $"None of the {failed.Count} failed deployments has recovered yet (an unresolved incident, or no later successful deployment).");
        }

        var median = Median(hours);
        var band = median < 1 ? "elite" : median < 24 ? "high" : median < 24 * 7 ? "medium" : "low";
        return new DoraMetric(Math.Round(median, 2), "hours", band, hours.Count,
            $"Median of {hours.Count} recoveries: from the first linked incident's start to the last one's resolution, or else from the failed deployment to the next successful one.{stillOpen} Bands: elite under an hour, high under a day, medium under a week, low longer.");
    }

    private static DoraMetric ReworkRate(List<DeploymentFactEntity> window)
    {
        var rework = window.Count(f => f.Rework);
        var rate = (double)rework / window.Count;
        return new DoraMetric(Math.Round(rate, 4), "ratio", null, window.Count,
            $"{rework} of {window.Count} deployments were rollbacks or hotfixes. DORA's {BandsReportYear.ToString(CultureInfo.InvariantCulture)} report publishes no performance bands for this metric.");
    }

    internal static double Median(List<double> values)
    {
        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static DoraMetric Insufficient(string unit, string why) => new(null, unit, null, 0, $"Not enough data: {why}");
}
