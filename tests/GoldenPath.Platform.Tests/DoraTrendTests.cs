using GoldenPath.Platform.Data;
using GoldenPath.Platform.Domain;
using GoldenPath.Platform.Portal;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// The portal's weekly DORA charts: each week computed from its own deployments equals the report's arithmetic applied to
/// the whole window for that week, at the weeks' edges, across them and for failures recovered in a later week.
/// </summary>
public sealed class DoraTrendTests
{
    private static readonly DateTimeOffset To = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EachWeekOfTheChartsEqualsTheReportOverTheWholeWindowForThatWeek()
    {
        var from = To - TimeSpan.FromDays(30);
        var week = TimeSpan.FromDays(7);
        var deployments = new List<DeploymentEntity>
        {
            Deployment("a", "d1", from, "success"),                                   // the window's first instant
            Deployment("a", "d2", from + week - TimeSpan.FromTicks(1), "failure"),      // the first week's last tick
            Deployment("a", "d3", from + week, "success"),                              // the second week's first instant; recovers d2
            Deployment("a", "d4", from + (2 * week) + TimeSpan.FromHours(5), "success"),
            Deployment("a", "d5", from + (2 * week) + TimeSpan.FromHours(6), "success", remediates: "d4", type: "rollback"),
            Deployment("b", "d4", from + (2 * week) + TimeSpan.FromHours(7), "success"), // the same id in another service
            Deployment("b", "d6", from + (3 * week) + TimeSpan.FromDays(2), "success"),
            Deployment("b", "d7", from + (4 * week) + TimeSpan.FromDays(1), "success"),  // the last, shorter week
            Deployment("b", "d8", To, "success"),                                        // the window's last instant
        };
        var incidents = new List<IncidentEntity>
        {
            new() { IncidentId = "i1", Service = "b", Environment = "prod", Title = "t", Severity = "sev2", DeploymentId = "d6", StartedAt = from + (3 * week) + TimeSpan.FromDays(2.5), ResolvedAt = from + (3 * week) + TimeSpan.FromDays(3) },
            new() { IncidentId = "i2", Service = "b", Environment = "prod", Title = "t", Severity = "sev2", DeploymentId = "d7", StartedAt = from + (4 * week) + TimeSpan.FromDays(1.5) },
        };

        var facts = DoraFacts.Derive(deployments, incidents);
        var trend = PortalData.Trend(new DoraWindow(null, null, "prod", from, To, facts));

        var index = 0;
        for (var start = from; start < To; start += week, index++)
        {
            var end = start + week - TimeSpan.FromTicks(1);
            var expected = DoraCalculator.Compute(null, null, "prod", start, end < To ? end : To, facts);
            Assert.Equal((double?)expected.DeploymentFrequency.SampleSize, trend.SuccessfulDeployments[index]);
            Assert.Equal(expected.ChangeFailureRate.Value * 100, trend.ChangeFailurePercent[index]);
            Assert.Equal(expected.FailedDeploymentRecoveryTime.Value, trend.RecoveryHours[index]);
            Assert.Equal((double?)(expected.ChangeFailureRate.Value is { } rate ? Math.Round(rate * expected.Deployments) : 0), trend.FailedDeployments[index]);
        }

        Assert.Equal(index, trend.Weeks.Count);
        Assert.Equal([1.0, 1.0, 3.0, 1.0, 2.0], trend.SuccessfulDeployments.Select(v => v ?? -1));
        Assert.Equal(50.0, trend.ChangeFailurePercent[0]);
    }

    private static DeploymentEntity Deployment(string service, string id, DateTimeOffset finished, string outcome, string? remediates = null, string type = "regular") => new()
    {
        DeploymentId = id, Service = service, Environment = "prod", Version = "1", Commit = "c", Outcome = outcome, Type = type, Remediates = remediates,
        StartedAt = finished - TimeSpan.FromMinutes(5), FinishedAt = finished, BodyHash = "0",
        Commits = [new StoredCommit($"{id}-c", finished - TimeSpan.FromHours(3))],
    };
}
