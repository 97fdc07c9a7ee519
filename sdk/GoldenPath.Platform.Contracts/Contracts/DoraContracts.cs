namespace GoldenPath.Catalog.Contracts;

/// <summary><c>GET /api/v1/dora</c>: the five DORA metrics for a service, a team or everything.</summary>
/// <param name="Service">The service, when the report is for one.</param>
/// <param name="Team">The team, when the report is for one.</param>
/// <param name="Environment">The environment the deployments went to.</param>
/// <param name="From">The window's start.</param>
/// <param name="To">The window's end.</param>
/// <param name="Days">The window's length in days.</param>
/// <param name="BandsReportYear">The year of the DORA report the performance bands come from.</param>
/// <param name="Deployments">How many deployments fell in the window.</param>
/// <param name="DeploymentFrequency">Successful deployments per day.</param>
/// <param name="LeadTimeForChanges">Median hours from commit to successful deployment.</param>
/// <param name="ChangeFailureRate">Share of deployments that failed or needed remediation.</param>
/// <param name="FailedDeploymentRecoveryTime">Median hours from a failed deployment to recovery.</param>
/// <param name="DeploymentReworkRate">Share of deployments that were unplanned rollbacks or hotfixes.</param>
public sealed record DoraReport(
    string? Service,
    string? Team,
    string Environment,
    DateTimeOffset From,
    DateTimeOffset To,
    int Days,
    int BandsReportYear,
    int Deployments,
    DoraMetric DeploymentFrequency,
    DoraMetric LeadTimeForChanges,
    DoraMetric ChangeFailureRate,
    DoraMetric FailedDeploymentRecoveryTime,
    DoraMetric DeploymentReworkRate);

/// <summary>One DORA metric.</summary>
/// <param name="Value">The value, or <see langword="null"/> when there is not enough data.</param>
/// <param name="Unit"><c>per-day</c>, <c>hours</c> or <c>ratio</c>.</param>
/// <param name="Band"><c>elite</c>, <c>high</c>, <c>medium</c> or <c>low</c>; <see langword="null"/> without a value or where DORA publishes no bands.</param>
/// <param name="SampleSize">How many deployments, commits or failures the value is computed from.</param>
/// <param name="Detail">How the value was computed, or why there is none.</param>
public sealed record DoraMetric(double? Value, string Unit, string? Band, int SampleSize, string Detail);

/// <summary><c>GET /api/v1/scorecards/{name}</c>: a service's golden-path conformance, check by check.</summary>
/// <param name="Service">The service.</param>
/// <param name="Score">Passed checks as a percentage of all checks.</param>
/// <param name="Passed">How many checks passed.</param>
/// <param name="Total">How many checks there are.</param>
/// <param name="Checks">Every check.</param>
/// <param name="EvaluatedAt">When the scorecard was computed.</param>
public sealed record Scorecard(string Service, int Score, int Passed, int Total, IReadOnlyList<ScorecardCheck> Checks, DateTimeOffset EvaluatedAt)
{
    /// <summary>Gets the highest level reached (e.g. <c>Gold</c>): its checks and those of every level below it passed; <see langword="null"/> when not even the first level is.</summary>
    public string? Level { get; init; }

    /// <summary>Gets every level the platform defines, lowest first, with the checks it needs and those that still fail.</summary>
    public IReadOnlyList<ScorecardLevel> Levels { get; init; } = [];
}

/// <summary>One scorecard level (Bronze, Silver, Gold by default): a set of checks, set by the platform team (<c>GoldenPath:Platform:ScorecardLevels</c>).</summary>
/// <param name="Name">The level's name.</param>
/// <param name="Checks">The ids of the checks it needs, on top of those of the levels below it.</param>
/// <param name="Reached">Whether its checks and those of every level below it passed.</param>
/// <param name="Failing">The ids of its checks that failed.</param>
public sealed record ScorecardLevel(string Name, IReadOnlyList<string> Checks, bool Reached, IReadOnlyList<string> Failing);

/// <summary>One golden-path check.</summary>
/// <param name="Id">A stable id, e.g. <c>owner-set</c>.</param>
/// <param name="Title">What is checked.</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Reason">Why it passed or failed, and how to fix a failure.</param>
public sealed record ScorecardCheck(string Id, string Title, bool Passed, string Reason);
