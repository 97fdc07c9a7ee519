namespace GoldenPath.Platform.Data;

/// <summary>A service's catalog entry.</summary>
internal sealed class ServiceEntity
{
    public required string Name { get; set; }

    public required string Owner { get; set; }

    public required string System { get; set; }

    public required string Lifecycle { get; set; }

    public required string Type { get; set; }

    public string? Description { get; set; }

    public List<string> Tags { get; set; } = [];

    public List<StoredLink> Links { get; set; } = [];

    public List<string> ProvidesApis { get; set; } = [];

    public List<string> ConsumesApis { get; set; } = [];

    public List<StoredDependency> DependsOn { get; set; } = [];

    public List<StoredApiDefinition> ApiDefinitions { get; set; } = [];

    public string? SourceLocation { get; set; }

    public string? TechDocsRef { get; set; }

    public string? Template { get; set; }

    public string? TemplateVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A registered instance; live while <see cref="ExpiresAt"/> is in the future.</summary>
internal sealed class InstanceEntity
{
    public required string ServiceName { get; set; }

    public required string InstanceId { get; set; }

    public required string Version { get; set; }

    public required string Environment { get; set; }

    public required string SdkVersion { get; set; }

    /// <summary>The template the service's repository was made from, as its build embedded it from .goldenpath.json.</summary>
    public string? Template { get; set; }

    public string? TemplateVersion { get; set; }

    public List<string> Endpoints { get; set; } = [];

    public string? HealthLive { get; set; }

    public string? HealthReady { get; set; }

    public string? HealthStartup { get; set; }

    public List<StoredDependency> Dependencies { get; set; } = [];

    public string? Commit { get; set; }

    public string? Status { get; set; }

    public bool TelemetryConfigured { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset RegisteredAt { get; set; }

    public DateTimeOffset LastHeartbeatAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>A deployment event from CI.</summary>
internal sealed class DeploymentEntity
{
    public required string DeploymentId { get; set; }

    public required string Service { get; set; }

    public required string Environment { get; set; }

    public required string Version { get; set; }

    public required string Commit { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset FinishedAt { get; set; }

    public required string Outcome { get; set; }

    public required string Type { get; set; }

    public string? Remediates { get; set; }

    public List<StoredCommit> Commits { get; set; } = [];

    public bool? PolicyPassed { get; set; }

    public int? PolicyErrors { get; set; }

    public int? PolicyWarnings { get; set; }

    /// <summary>Whether the platform evaluated the policy itself, on the manifests sent with the report; otherwise the result is the client's claim.</summary>
    public bool PolicyVerified { get; set; }

    public string? Url { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    /// <summary>
    /// A hash of what the client said about the deployment, its clock times left out, so that a repeated report
    /// (a retried pipeline step reporting its own start and finish) can be told from a conflicting one.
    /// </summary>
    public required string BodyHash { get; set; }
}

/// <summary>An incident, linked to the deployment that caused it.</summary>
internal sealed class IncidentEntity
{
    public required string IncidentId { get; set; }

    public required string Service { get; set; }

    public required string Environment { get; set; }

    public required string Title { get; set; }

    public required string Severity { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public string? DeploymentId { get; set; }
}

/// <summary>A team's environment (namespace).</summary>
internal sealed class EnvironmentEntity
{
    public required string Team { get; set; }

    public required string Environment { get; set; }

    /// <summary>
    /// The Kubernetes namespace, <c>{team}-{environment}</c>, unique across all teams: the store's unique key reserves
    /// it for the first team granted it. Empty only for an environment recorded before namespaces were reserved whose
    /// namespace another team had been granted first; such a row cannot be changed until an admin resolves it.
    /// </summary>
    public string? Namespace { get; set; }

    public required string Cpu { get; set; }

    public required string Memory { get; set; }

    public int Pods { get; set; }

    public string? CostCenter { get; set; }

    public required string Group { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A System of the catalog, owned by the team that first placed a service in it.</summary>
internal sealed class SystemClaimEntity
{
    public required string Name { get; set; }

    public required string Owner { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>An API token, stored as the SHA-256 hash of its secret.</summary>
internal sealed class TokenEntity
{
    public required string Id { get; set; }

    public required string Hash { get; set; }

    public required string Team { get; set; }

    public List<string> Scopes { get; set; } = [];

    public string? Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>
/// A portal session (ASP.NET Core's cookie authentication ticket, kept server-side): the cookie carries only its id, so
/// deleting the row ends the session on every replica, also for a copy of the cookie.
/// </summary>
internal sealed class PortalSessionEntity
{
    /// <summary>A random id (256 bits, base64url), never shown.</summary>
    public required string Id { get; set; }

    /// <summary>The serialized ticket: who signed in and their claims (never a token).</summary>
    public required byte[] Ticket { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// What the portal reads a service's level from: the checks its scorecard passed on the platform's own data when it was
/// last evaluated (every check but <c>slos-declared</c>, which reads Prometheus), kept current by the writes that move
/// them and by a periodic refresh (<see cref="Domain.ScorecardResults"/>).
/// </summary>
internal sealed class ScorecardResultEntity
{
    public required string Service { get; set; }

    /// <summary>The ids of the passed checks, comma-separated in <see cref="Domain.ScorecardLevels.KnownChecks"/> order.</summary>
    public required string PassedChecks { get; set; }

    /// <summary>Counts the evaluations asked for: an evaluation stores its result only if no later one was asked for meanwhile.</summary>
    public long Generation { get; set; }

    /// <summary>When the stored checks were last written (an evaluation that finds them unchanged does not write).</summary>
    public DateTimeOffset EvaluatedAt { get; set; }
}

/// <summary>
/// The DORA read model: one narrow row per deployment with what the five metrics read of it, so that a report over a
/// year of a fleet reads these columns instead of every deployment with its commits and the incidents that name them.
/// Written in the transaction of each write that moves it (a deployment report, an incident opened or changed) by
/// <see cref="Domain.DoraFacts"/>; removed with its deployment.
/// </summary>
internal sealed class DeploymentFactEntity
{
    public required string Service { get; set; }

    public required string DeploymentId { get; set; }

    public required string Environment { get; set; }

    public DateTimeOffset FinishedAt { get; set; }

    /// <summary>The deployment's outcome was success.</summary>
    public bool Succeeded { get; set; }

    /// <summary>A rollback or hotfix.</summary>
    public bool Rework { get; set; }

    /// <summary>The deployment of the same service this rollback or hotfix remediates.</summary>
    public string? Remediates { get; set; }

    /// <summary>Hours from each commit it shipped to its finish, the positive ones (the lead times of a successful deployment).</summary>
    public List<double> LeadTimeHours { get; set; } = [];

    /// <summary>Its outcome was failure or an incident names it: it failed in every window that holds it.</summary>
    public bool Failed { get; set; }

    /// <summary>
    /// When the rollbacks and hotfixes to the same environment that remediate it finished: it failed in a window that
    /// holds it and one of them (a report's window, or a week of the charts).
    /// </summary>
    public List<DateTimeOffset> RemediatedAt { get; set; } = [];

    /// <summary>When it recovered, had it failed: its linked incidents' last resolution, or else the next successful deployment of its service and environment.</summary>
    public DateTimeOffset? RecoveredAt { get; set; }

    /// <summary>How long it took to recover, had it failed, in hours (see docs/dora.md).</summary>
    public double? RecoveryHours { get; set; }

    /// <summary>Whether it failed, in the window from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public bool FailedIn(DateTimeOffset from, DateTimeOffset to) => Failed || RemediatedAt.Exists(t => t >= from && t <= to);
}
