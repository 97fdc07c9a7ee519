using System.Globalization;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;
using GoldenPath.Platform.Domain;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// The DORA arithmetic as the platform computed it before the read model (<c>deployment_facts</c>): from a window's
/// deployments with their commits and the incidents that name them, on every request. Kept here, unchanged, so that the
/// tests can hold the reports from the facts to the figures the deployments themselves give.
/// </summary>
internal static class PreviousDoraCalculator
{
    public static DoraReport Compute(
        string? service,
        string? team,
        string environment,
        DateTimeOffset from,
        DateTimeOffset to,
        IReadOnlyList<DeploymentEntity> deployments,
        IReadOnlyList<IncidentEntity> incidents)
    {
        var days = Math.Max(1, (int)Math.Round((to - from).TotalDays));
        var window = deployments.Where(d => d.Environment == environment && d.FinishedAt >= from && d.FinishedAt <= to)
            .OrderBy(d => d.FinishedAt).ToList();
        if (window.Count == 0)
        {
            var none = $"No deployments to '{environment}' in the {days} days from {from:yyyy-MM-dd} to {to:yyyy-MM-dd}: report them with POST /api/v1/deployments.";
            return new DoraReport(service, team, environment, from, to, days, DoraCalculator.BandsReportYear, 0,
                Insufficient("per-day", none), Insufficient("hours", none), Insufficient("ratio", none), Insufficient("hours", none), Insufficient("ratio", none));
        }

        var successful = window.Where(d => d.Outcome == "success").ToList();
        // Deployment ids are unique per service: an incident names a deployment of its own service, and a rollback or
        // hotfix remediates one. Looked up by (service, id), so that a year of a fleet's deployments is not compared pair by pair.
        var linked = incidents.Where(i => i.DeploymentId is not null).ToLookup(i => (i.Service, i.DeploymentId!));
        var remediated = window.Where(d => d.Remediates is not null).Select(d => (d.Service, d.Remediates!)).ToHashSet();
        var failed = window.Where(d => IsFailed(d, linked, remediated)).ToList();
        return new DoraReport(service, team, environment, from, to, days, DoraCalculator.BandsReportYear, window.Count,
            DeploymentFrequency(successful, days),
            LeadTime(successful),
            ChangeFailureRate(failed.Count, window.Count),
            RecoveryTime(failed, successful.ToLookup(d => d.Service, StringComparer.Ordinal), linked, to),
            ReworkRate(window));
    }

    /// <summary>A deployment failed when its outcome was failure, an incident names it as the cause, or a rollback or hotfix remediates it.</summary>
    private static bool IsFailed(DeploymentEntity deployment, ILookup<(string Service, string DeploymentId), IncidentEntity> linked, HashSet<(string Service, string Remediates)> remediated) =>
        deployment.Outcome == "failure"
        || linked.Contains((deployment.Service, deployment.DeploymentId))
        || remediated.Contains((deployment.Service, deployment.DeploymentId));

    private static DoraMetric DeploymentFrequency(List<DeploymentEntity> successful, int days)
    {
        var perDay = (double)successful.Count / days;
        var band = perDay >= 1 ? "elite" : perDay >= 1.0 / 7 ? "high" : perDay >= 1.0 / 30 ? "medium" : "low";
        return new DoraMetric(Math.Round(perDay, 4), "per-day", band, successful.Count,
            $"{successful.Count} successful deployments in {days} days. Bands: elite at least daily (on demand), high at least weekly, medium at least monthly, low less often.");
    }

    private static DoraMetric LeadTime(List<DeploymentEntity> successful)
    {
        var hours = successful
            .SelectMany(d => d.Commits.Select(c => (d.FinishedAt - c.Timestamp).TotalHours))
            .Where(h => h > 0)
            .ToList();
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
    /// <param name="successful">The window's successful deployments per service, in the order they finished.</param>
    /// <param name="incidents">The incidents by the deployment they name.</param>
    /// <param name="to">The end of the window.</param>
    private static DoraMetric RecoveryTime(List<DeploymentEntity> failed, ILookup<string, DeploymentEntity> successful, ILookup<(string Service, string DeploymentId), IncidentEntity> incidents, DateTimeOffset to)
    {
        if (failed.Count == 0)
        {
            return Insufficient("hours", "No failed deployment in the window, so there was nothing to recover from.");
        }

        var hours = new List<double>();
        var unrecovered = 0;
        foreach (var deployment in failed)
        {
            var linked = incidents[(deployment.Service, deployment.DeploymentId)].ToList();
            double? recovery = null;
            if (linked.Count > 0)
            {
                if (linked.All(i => i.ResolvedAt is { } r && r <= to))
                {
                    recovery = (linked.Max(i => i.ResolvedAt!.Value) - linked.Min(i => i.StartedAt)).TotalHours;
                }
            }
            else
            {
                var next = successful[deployment.Service].FirstOrDefault(d => d.FinishedAt > deployment.FinishedAt && !ReferenceEquals(d, deployment));
                if (next is not null)
                {
                    recovery = (next.FinishedAt - deployment.FinishedAt).TotalHours;
                }
            }

            if (recovery is { } value)
            {
                hours.Add(Math.Max(0, value));
            }
            else
            {
                unrecovered++;
            }
        }

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

    private static DoraMetric ReworkRate(List<DeploymentEntity> window)
    {
        var rework = window.Count(d => d.Type is "rollback" or "hotfix");
        var rate = (double)rework / window.Count;
        return new DoraMetric(Math.Round(rate, 4), "ratio", null, window.Count,
            $"{rework} of {window.Count} deployments were rollbacks or hotfixes. DORA's {DoraCalculator.BandsReportYear.ToString(CultureInfo.InvariantCulture)} report publishes no performance bands for this metric.");
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static DoraMetric Insufficient(string unit, string why) => new(null, unit, null, 0, $"Not enough data: {why}");
}
