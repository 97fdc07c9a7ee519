namespace GoldenPath.Catalog.Contracts;

/// <summary>
/// <c>POST /api/v1/deployments</c>: one deployment, reported by CI when it finishes. Idempotent by
/// <see cref="Service"/> and <see cref="DeploymentId"/>: the same deployment again (its start and finish times aside)
/// is accepted as a no-op, a different one with the same id is a conflict.
/// </summary>
/// <param name="DeploymentId">An id chosen by the pipeline, unique among the service's deployments (e.g. <c>orders-api-prod-4711</c>).</param>
/// <param name="Service">The service deployed.</param>
/// <param name="Environment">Where: <c>dev</c>, <c>staging</c>, <c>production</c>, ...</param>
/// <param name="Version">The version deployed.</param>
/// <param name="Commit">The commit deployed.</param>
/// <param name="StartedAt">When the deployment started.</param>
/// <param name="FinishedAt">When it finished.</param>
/// <param name="Outcome"><c>success</c> or <c>failure</c>.</param>
/// <param name="Commits">The commits this deployment ships that the previous one to the environment did not, with their times (the lead-time input).</param>
/// <param name="Type"><c>regular</c>, <c>rollback</c> or <c>hotfix</c>; rollbacks and hotfixes are rework.</param>
/// <param name="Remediates">For a rollback or hotfix: the deployment it repairs, which then counts as failed.</param>
/// <param name="Policy">The manifest policy result the pipeline claims; recorded as unverified, and ignored when <paramref name="Manifests"/> is sent.</param>
/// <param name="Url">A link to the pipeline run.</param>
/// <param name="Manifests">The Kubernetes manifests the deployment applied (YAML); the platform runs the policy on them itself.</param>
public sealed record DeploymentEvent(
    string DeploymentId,
    string Service,
    string Environment,
    string Version,
    string Commit,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string Outcome,
    IReadOnlyList<DeployedCommit>? Commits = null,
    string? Type = null,
    string? Remediates = null,
    PolicyResult? Policy = null,
    string? Url = null,
    string? Manifests = null);

/// <summary>A commit a deployment ships.</summary>
/// <param name="Sha">The commit id.</param>
/// <param name="Timestamp">When it was committed.</param>
public sealed record DeployedCommit(string Sha, DateTimeOffset Timestamp);

/// <summary>The policy engine's verdict on the manifests a deployment applied.</summary>
/// <param name="Passed">Whether no finding at error severity was left unwaived.</param>
/// <param name="Errors">Findings at error severity.</param>
/// <param name="Warnings">Findings at warning severity.</param>
public sealed record PolicyResult(bool Passed, int Errors, int Warnings);

/// <summary>A deployment as the platform recorded it.</summary>
/// <param name="DeploymentId">The id.</param>
/// <param name="Service">The service.</param>
/// <param name="Environment">The environment.</param>
/// <param name="Version">The version.</param>
/// <param name="Commit">The commit.</param>
/// <param name="StartedAt">Start.</param>
/// <param name="FinishedAt">Finish.</param>
/// <param name="Outcome"><c>success</c> or <c>failure</c>.</param>
/// <param name="Type"><c>regular</c>, <c>rollback</c> or <c>hotfix</c>.</param>
/// <param name="Remediates">The deployment a rollback or hotfix repairs.</param>
/// <param name="Commits">The commits shipped.</param>
/// <param name="Policy">The policy result.</param>
/// <param name="Url">The pipeline run.</param>
/// <param name="RecordedAt">When the platform received it.</param>
/// <param name="PolicyVerified">Whether the platform evaluated <paramref name="Policy"/> itself on the manifests sent; otherwise it is the pipeline's claim.</param>
public sealed record DeploymentRecord(
    string DeploymentId,
    string Service,
    string Environment,
    string Version,
    string Commit,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string Outcome,
    string Type,
    string? Remediates,
    IReadOnlyList<DeployedCommit> Commits,
    PolicyResult? Policy,
    string? Url,
    DateTimeOffset RecordedAt,
    bool PolicyVerified = false);

/// <summary><c>POST /api/v1/incidents</c>: an incident in an environment, linked to the deployment that caused it.</summary>
/// <param name="Service">The affected service.</param>
/// <param name="Environment">The environment.</param>
/// <param name="Title">What happened.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="IncidentId">An id chosen by the caller (the pager's incident number); the platform makes one when not set.</param>
/// <param name="Severity"><c>sev1</c> to <c>sev4</c>.</param>
/// <param name="DeploymentId">The deployment that caused it, when known; it then counts as a failed change.</param>
/// <param name="ResolvedAt">When it was resolved.</param>
public sealed record IncidentRequest(
    string Service,
    string Environment,
    string Title,
    DateTimeOffset StartedAt,
    string? IncidentId = null,
    string? Severity = null,
    string? DeploymentId = null,
    DateTimeOffset? ResolvedAt = null);

/// <summary><c>PATCH /api/v1/incidents/{id}</c>: the fields to change; unset fields stay as they are.</summary>
/// <param name="Title">A new title.</param>
/// <param name="Severity">A new severity.</param>
/// <param name="DeploymentId">The deployment that caused it.</param>
/// <param name="ResolvedAt">When it was resolved.</param>
public sealed record IncidentPatch(string? Title = null, string? Severity = null, string? DeploymentId = null, DateTimeOffset? ResolvedAt = null);

/// <summary>An incident as recorded.</summary>
/// <param name="IncidentId">The id.</param>
/// <param name="Service">The service.</param>
/// <param name="Environment">The environment.</param>
/// <param name="Title">The title.</param>
/// <param name="Severity">The severity.</param>
/// <param name="StartedAt">Start.</param>
/// <param name="ResolvedAt">Resolution, if resolved.</param>
/// <param name="DeploymentId">The deployment that caused it.</param>
public sealed record IncidentRecord(
    string IncidentId,
    string Service,
    string Environment,
    string Title,
    string Severity,
    DateTimeOffset StartedAt,
    DateTimeOffset? ResolvedAt,
    string? DeploymentId);
