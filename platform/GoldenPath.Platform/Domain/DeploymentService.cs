using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Auth;
using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform.Domain;

/// <summary>Deployment events from CI and incidents, the inputs of the DORA metrics.</summary>
internal sealed class DeploymentService(PlatformDbContext db, TimeProvider time, Lazy<ScorecardResults> scorecardResults, DoraFacts facts)
{
    public static readonly string[] Outcomes = ["success", "failure"];
    public static readonly string[] Types = ["regular", "rollback", "hotfix"];
    public static readonly string[] Severities = ["sev1", "sev2", "sev3", "sev4"];

    public async Task<Outcome<DeploymentRecord>> RecordAsync(DeploymentEvent deployment, ClaimsPrincipal user, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var validation = new Validation();
        validation.Identifier("deploymentId", deployment.DeploymentId);
        validation.Name("service", deployment.Service);
        validation.Name("environment", deployment.Environment);
        validation.Required("version", deployment.Version, 64);
        validation.Required("commit", deployment.Commit, 64);
        validation.OneOf("outcome", deployment.Outcome, Outcomes);
        validation.OneOf("type", deployment.Type, Types, required: false);
        validation.AbsoluteUrl("url", deployment.Url);
        validation.Count("commits", deployment.Commits, 1000);
        validation.NotInFuture("finishedAt", deployment.FinishedAt, now);
        if (deployment.FinishedAt < deployment.StartedAt)
        {
            validation.Add("finishedAt", $"{deployment.FinishedAt:O} is before startedAt {deployment.StartedAt:O}");
        }

        foreach (var (commit, i) in (deployment.Commits ?? []).Select((c, i) => (c, i)))
        {
            validation.Required($"commits[{i}].sha", commit.Sha, 64);
            validation.NotInFuture($"commits[{i}].timestamp", commit.Timestamp, now);
        }

        if (deployment.Remediates is not null)
        {
            validation.Identifier("remediates", deployment.Remediates);
            if (deployment.Type is not ("rollback" or "hotfix"))
            {
                validation.Add("remediates", "only a rollback or hotfix remediates another deployment; set type to 'rollback' or 'hotfix'");
            }
        }

        if (!validation.IsValid)
        {
            return Failure.Invalid(validation.Errors);
        }

        var service = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Name == deployment.Service, ct);
        if (service is null)
        {
            return Failure.NotFound($"Service '{deployment.Service}' is not in the catalog; register it (PUT /api/v1/services/{deployment.Service}) before reporting its deployments.");
        }

        if (!user.MayWriteFor(service.Owner))
        {
            return Failure.Forbidden($"Service '{deployment.Service}' is owned by team '{service.Owner}'; the token of team '{user.Team()}' may not report its deployments.");
        }

        if (deployment.Remediates is { } remediated && !await db.Deployments.AnyAsync(d => d.Service == deployment.Service && d.DeploymentId == remediated, ct))
        {
            return Failure.BadRequest($"remediates: service '{deployment.Service}' has no deployment '{remediated}'; a rollback or hotfix remediates an earlier deployment of its own service, reported before it.");
        }

        // A pipeline's word that its manifests passed is recorded as a claim; only manifests the platform checked itself verify it.
        var policy = (Result: deployment.Policy, Verified: false);
        if (deployment.Manifests is not null)
        {
            policy = (EvaluatePolicy(deployment.Service, deployment.Manifests, out var manifestProblems), true);
            if (policy.Result is null)
            {
                return Failure.Invalid(new Dictionary<string, string[]> { ["manifests"] = [.. manifestProblems] });
            }
        }

        var hash = Hash(deployment);
        var existing = await db.Deployments.AsNoTracking().FirstOrDefaultAsync(d => d.Service == deployment.Service && d.DeploymentId == deployment.DeploymentId, ct);
        if (existing is not null)
        {
            return Repeated(existing, deployment, hash);
        }

        var entity = new DeploymentEntity
        {
            DeploymentId = deployment.DeploymentId,
            Service = deployment.Service,
            Environment = deployment.Environment,
            Version = deployment.Version,
            Commit = deployment.Commit,
            StartedAt = deployment.StartedAt.ToUniversalTime(),
            FinishedAt = deployment.FinishedAt.ToUniversalTime(),
            Outcome = deployment.Outcome,
            Type = deployment.Type ?? "regular",
            Remediates = deployment.Remediates,
            Commits = [.. (deployment.Commits ?? []).Select(StoredCommit.From)],
            PolicyPassed = policy.Result?.Passed,
            PolicyErrors = policy.Result?.Errors,
            PolicyWarnings = policy.Result?.Warnings,
            PolicyVerified = policy.Verified,
            Url = deployment.Url,
            RecordedAt = now,
            BodyHash = hash,
        };
        try
        {
            // The deployment and its service's DORA facts are written together.
            await facts.WriteAsync(deployment.Service, async cancellation =>
            {
                db.Deployments.Add(entity);
                return await db.SaveChangesAsync(cancellation);
            }, ct);
        }
        catch (DbUpdateException e) when (StoreRetry.IsUniqueKeyViolation(e))
        {
            // Another request recorded the same id at the same moment: answer as if it had come first.
            db.ChangeTracker.Clear();
            return Repeated(await db.Deployments.AsNoTracking().FirstAsync(d => d.Service == deployment.Service && d.DeploymentId == deployment.DeploymentId, ct), deployment, hash);
        }
        catch (DbUpdateException e) when (StoreRetry.IsForeignKeyViolation(e))
        {
            return Failure.NotFound($"Service '{deployment.Service}' was removed from the catalog while its deployment was being recorded.");
        }

        // The last deployment's policy verdict and the deployment window are scorecard checks.
        await scorecardResults.Value.RefreshAfterWriteAsync(deployment.Service, ct);
        return new Outcome<DeploymentRecord>(ToContract(entity), null, Created: true);
    }

    public async Task<DeploymentRecord?> GetAsync(string service, string id, CancellationToken ct) =>
        await db.Deployments.AsNoTracking().FirstOrDefaultAsync(d => d.Service == service && d.DeploymentId == id, ct) is { } entity ? ToContract(entity) : null;

    /// <summary>A report of an id the service has recorded: the same deployment again is a no-op, anything else a conflict that says what differs.</summary>
    private static Outcome<DeploymentRecord> Repeated(DeploymentEntity existing, DeploymentEvent deployment, string hash)
    {
        if (existing.BodyHash == hash)
        {
            return new Outcome<DeploymentRecord>(ToContract(existing), null);
        }

        var differs = new List<string>();
        void Compare(string field, string? stored, string? sent)
        {
            if (!string.Equals(stored, sent, StringComparison.Ordinal))
            {
                differs.Add($"{field} '{stored}' (now '{sent}')");
            }
        }

        Compare("environment", existing.Environment, deployment.Environment);
        Compare("version", existing.Version, deployment.Version);
        Compare("commit", existing.Commit, deployment.Commit);
        Compare("outcome", existing.Outcome, deployment.Outcome);
        Compare("type", existing.Type, deployment.Type ?? "regular");
        Compare("remediates", existing.Remediates, deployment.Remediates);
        var what = differs.Count > 0 ? string.Join(", ", differs) : "its commits, policy, manifests or url";
        return Failure.Conflict($"Deployment '{deployment.DeploymentId}' of service '{deployment.Service}' was already reported with different content: {what}. A report is recorded once; a new deployment (a retry that deployed again, a rollback) needs a new id.");
    }

    /// <summary>
    /// The platform's own verdict on the manifests a deployment applied: the policy engine's unwaived error and warning
    /// findings; <see langword="null"/> with the problems when the text is not a set of Kubernetes objects that holds the
    /// service's workload (manifests of something else prove nothing about the service).
    /// </summary>
    internal static PolicyResult? EvaluatePolicy(string service, string manifests, out IReadOnlyList<string> problems)
    {
        var (documents, readProblems) = GoldenPath.Kubernetes.ManifestReader.Read(manifests, "manifests");
        problems = [.. readProblems.Select(p => p.ToString())];
        if (problems.Count == 0 && !documents.Any(d => d.Object is k8s.Models.V1Deployment or k8s.Models.V1StatefulSet or k8s.Models.V1DaemonSet or k8s.Models.V1Job or k8s.Models.V1CronJob
                && d.Object.Metadata.Labels is { } labels && labels.TryGetValue(BackstageFeed.KubernetesIdAnnotation, out var id) && id == service))
        {
            problems = [$"no workload of service '{service}': send the manifests the deployment applied (e.g. the output of 'kubectl kustomize deploy/overlays/prod'), with its Deployment, StatefulSet, DaemonSet, Job or CronJob labelled {BackstageFeed.KubernetesIdAnnotation}: {service}"];
        }

        if (problems.Count > 0)
        {
            return null;
        }

        var findings = GoldenPath.Kubernetes.PolicyEngine.Evaluate(documents);
        var errors = findings.Count(f => f.Fails);
        return new PolicyResult(errors == 0, errors, findings.Count(f => f.Severity == GoldenPath.Kubernetes.PolicySeverity.Warning && !f.Waived));
    }

    public async Task<IReadOnlyList<DeploymentRecord>> ListAsync(string? service, string? environment, int limit, CancellationToken ct)
    {
        var query = db.Deployments.AsNoTracking();
        if (service is not null)
        {
            query = query.Where(d => d.Service == service);
        }

        if (environment is not null)
        {
            query = query.Where(d => d.Environment == environment);
        }

        return (await query.OrderByDescending(d => d.FinishedAt).Take(limit).ToListAsync(ct)).Select(ToContract).ToList();
    }

    public async Task<Outcome<IncidentRecord>> OpenIncidentAsync(IncidentRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var validation = new Validation();
        validation.Name("service", request.Service);
        validation.Name("environment", request.Environment);
        validation.Required("title", request.Title, 256);
        validation.OneOf("severity", request.Severity, Severities, required: false);
        if (request.IncidentId is not null)
        {
            validation.Identifier("incidentId", request.IncidentId);
        }

        if (request.DeploymentId is not null)
        {
            validation.Identifier("deploymentId", request.DeploymentId);
        }

        if (request.ResolvedAt < request.StartedAt)
        {
            validation.Add("resolvedAt", $"{request.ResolvedAt:O} is before startedAt {request.StartedAt:O}");
        }

        if (!validation.IsValid)
        {
            return Failure.Invalid(validation.Errors);
        }

        if (await CheckServiceAsync(request.Service, user, ct) is { } refused)
        {
            return refused;
        }

        if (request.DeploymentId is not null && await LinkFailureAsync(request.DeploymentId, request.Service, ct) is { } link)
        {
            return link;
        }

        var id = request.IncidentId ?? $"inc-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        var existing = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Service == request.Service && i.IncidentId == id, ct);
        if (existing is not null)
        {
            return Reopened(existing, request);
        }

        var entity = new IncidentEntity
        {
            IncidentId = id,
            Service = request.Service,
            Environment = request.Environment,
            Title = request.Title,
            Severity = request.Severity ?? "sev3",
            StartedAt = request.StartedAt.ToUniversalTime(),
            ResolvedAt = request.ResolvedAt?.ToUniversalTime(),
            DeploymentId = request.DeploymentId,
        };
        try
        {
            // The incident and the DORA facts of the deployment it names are written together.
            await facts.WriteAsync(request.Service, async cancellation =>
            {
                db.Incidents.Add(entity);
                return await db.SaveChangesAsync(cancellation);
            }, ct);
        }
        catch (DbUpdateException e) when (StoreRetry.IsUniqueKeyViolation(e))
        {
            // A parallel open of the same id (a pager retrying) was recorded first: answer as if it had come first.
            db.ChangeTracker.Clear();
            return Reopened(await db.Incidents.AsNoTracking().FirstAsync(i => i.Service == request.Service && i.IncidentId == id, ct), request);
        }
        catch (DbUpdateException e) when (StoreRetry.IsForeignKeyViolation(e))
        {
            return Failure.NotFound($"Service '{request.Service}' was removed from the catalog while its incident was being opened.");
        }

        return new Outcome<IncidentRecord>(ToContract(entity), null, Created: true);
    }

    /// <summary>Changes an incident, found by id among the service's (or, without a service, among those the token's team may write).</summary>
    public async Task<Outcome<IncidentRecord>> PatchIncidentAsync(string id, string? service, IncidentPatch patch, ClaimsPrincipal user, CancellationToken ct)
    {
        var found = await FindIncidentAsync(id, service, user.IsAdmin() ? null : user.Team() ?? "", ct);
        if (found.Failure is not null)
        {
            return found;
        }

        var entity = await db.Incidents.AsNoTracking().FirstAsync(i => i.Service == found.Value!.Service && i.IncidentId == id, ct);
        var validation = new Validation();
        if (patch.Title is not null)
        {
            validation.Required("title", patch.Title, 256);
        }

        validation.OneOf("severity", patch.Severity, Severities, required: false);
        if (patch.DeploymentId is not null)
        {
            validation.Identifier("deploymentId", patch.DeploymentId);
        }

        if (patch.ResolvedAt < entity.StartedAt)
        {
            validation.Add("resolvedAt", $"{patch.ResolvedAt:O} is before the incident started ({entity.StartedAt:O})");
        }

        if (!validation.IsValid)
        {
            return Failure.Invalid(validation.Errors);
        }

        if (await CheckServiceAsync(entity.Service, user, ct) is { } refused)
        {
            return refused;
        }

        if (patch.DeploymentId is not null && await LinkFailureAsync(patch.DeploymentId, entity.Service, ct) is { } link)
        {
            return link;
        }

        // The change and the DORA facts of the deployments it unlinks and links are written together, on the incident as
        // it is when the service's writers have been queued (a parallel change of another field is kept).
        var changed = await facts.WriteAsync(entity.Service, async cancellation =>
        {
            var current = await db.Incidents.FirstAsync(i => i.Service == entity.Service && i.IncidentId == id, cancellation);
            current.Title = patch.Title ?? current.Title;
            current.Severity = patch.Severity ?? current.Severity;
            current.DeploymentId = patch.DeploymentId ?? current.DeploymentId;
            current.ResolvedAt = patch.ResolvedAt?.ToUniversalTime() ?? current.ResolvedAt;
            await db.SaveChangesAsync(cancellation);
            return current;
        }, ct);
        return new Outcome<IncidentRecord>(ToContract(changed), null);
    }

    public Task<Outcome<IncidentRecord>> GetIncidentAsync(string id, string? service, CancellationToken ct) => FindIncidentAsync(id, service, null, ct);

    /// <summary>
    /// Incident ids are unique per service. Without the service, the id is looked up among the incidents of the services
    /// of <paramref name="team"/> (all services when it is <see langword="null"/>); more than one is a conflict.
    /// </summary>
    private async Task<Outcome<IncidentRecord>> FindIncidentAsync(string id, string? service, string? team, CancellationToken ct)
    {
        var query = db.Incidents.AsNoTracking().Where(i => i.IncidentId == id);
        if (service is not null)
        {
            query = query.Where(i => i.Service == service);
        }
        else if (team is not null)
        {
            query = query.Where(i => db.Services.Any(s => s.Name == i.Service && s.Owner == team));
        }

        var found = await query.OrderBy(i => i.Service).Take(10).ToListAsync(ct);
        return found.Count switch
        {
            0 => Failure.NotFound(service is null ? $"There is no incident '{id}'." : $"Service '{service}' has no incident '{id}'."),
            1 => new Outcome<IncidentRecord>(ToContract(found[0]), null),
            _ => Failure.Conflict($"Incident id '{id}' is used by the services {string.Join(", ", found.Select(i => $"'{i.Service}'"))}: incident ids are unique per service; name it with ?service=."),
        };
    }

    /// <summary>An open of an id the service has: the same incident again is a no-op, anything else a conflict.</summary>
    private static Outcome<IncidentRecord> Reopened(IncidentEntity existing, IncidentRequest request) =>
        existing.Environment == request.Environment && existing.Title == request.Title && existing.Severity == (request.Severity ?? "sev3")
            && existing.StartedAt == request.StartedAt.ToUniversalTime() && existing.DeploymentId == request.DeploymentId
            && (request.ResolvedAt is null || existing.ResolvedAt == request.ResolvedAt.Value.ToUniversalTime())
            ? new Outcome<IncidentRecord>(ToContract(existing), null)
            : Failure.Conflict($"Service '{existing.Service}' has an incident '{existing.IncidentId}' already, with other content; change it with PATCH /api/v1/incidents/{existing.IncidentId}?service={existing.Service}.");

    private async Task<Failure?> CheckServiceAsync(string name, ClaimsPrincipal user, CancellationToken ct)
    {
        var service = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);
        if (service is null)
        {
            return Failure.NotFound($"Service '{name}' is not in the catalog.");
        }

        return user.MayWriteFor(service.Owner)
            ? null
            : Failure.Forbidden($"Service '{name}' is owned by team '{service.Owner}'; the token of team '{user.Team()}' may not record its incidents.");
    }

    private async Task<Failure?> LinkFailureAsync(string deploymentId, string service, CancellationToken ct) =>
        await db.Deployments.AnyAsync(d => d.Service == service && d.DeploymentId == deploymentId, ct)
            ? null
            : Failure.BadRequest($"Service '{service}' has no deployment '{deploymentId}'; report it first (POST /api/v1/deployments) or leave deploymentId out.");

    private static string Hash(DeploymentEvent deployment)
    {
        // What the client says about the deployment, not when it said it: a retried report carries its own start and
        // finish (the pipeline's clock when the step ran again), which the first report's times stand for.
        var normalized = deployment with
        {
            StartedAt = DateTimeOffset.UnixEpoch,
            FinishedAt = DateTimeOffset.UnixEpoch,
            Type = deployment.Type ?? "regular",
            Commits = deployment.Commits?.Select(c => c with { Timestamp = c.Timestamp.ToUniversalTime() }).ToList(),
        };
        return Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(normalized, PlatformJsonContext.Default.DeploymentEvent)));
    }

    internal static DeploymentRecord ToContract(DeploymentEntity d) => new(
        d.DeploymentId, d.Service, d.Environment, d.Version, d.Commit, d.StartedAt, d.FinishedAt, d.Outcome, d.Type, d.Remediates, d.Commits.ConvertAll(c => c.ToContract()),
        d.PolicyPassed is { } passed ? new PolicyResult(passed, d.PolicyErrors ?? 0, d.PolicyWarnings ?? 0) : null, d.Url, d.RecordedAt, d.PolicyVerified);

    internal static IncidentRecord ToContract(IncidentEntity i) => new(i.IncidentId, i.Service, i.Environment, i.Title, i.Severity, i.StartedAt, i.ResolvedAt, i.DeploymentId);
}
