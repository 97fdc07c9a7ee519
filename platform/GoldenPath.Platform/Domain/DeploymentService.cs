using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Auth;
using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform.Domain;

/// <summary>Deployment events from CI and incidents, the inputs of the DORA metrics.</summary>
internal sealed class DeploymentService(PlatformDbContext db, TimeProvider time)
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
            return Problems.Invalid(validation.Errors);
        }

        var service = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Name == deployment.Service, ct);
        if (service is null)
        {
            return Problems.NotFound($"Service '{deployment.Service}' is not in the catalog; register it (PUT /api/v1/services/{deployment.Service}) before reporting its deployments.");
        }

        if (!user.MayWriteFor(service.Owner))
        {
            return Problems.Forbidden($"Service '{deployment.Service}' is owned by team '{service.Owner}'; the token of team '{user.Team()}' may not report its deployments.");
        }

        var hash = Hash(deployment);
        var existing = await db.Deployments.AsNoTracking().FirstOrDefaultAsync(d => d.DeploymentId == deployment.DeploymentId, ct);
        if (existing is not null)
        {
            return existing.BodyHash == hash
                ? new Outcome<DeploymentRecord>(ToContract(existing), null)
                : Problems.Conflict($"Deployment '{deployment.DeploymentId}' was already reported with different content; deployment ids are unique and events immutable. Use a new id for a new deployment.");
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
            Commits = [.. (deployment.Commits ?? []).Select(c => c with { Timestamp = c.Timestamp.ToUniversalTime() })],
            PolicyPassed = deployment.Policy?.Passed,
            PolicyErrors = deployment.Policy?.Errors,
            PolicyWarnings = deployment.Policy?.Warnings,
            Url = deployment.Url,
            RecordedAt = now,
            BodyHash = hash,
        };
        db.Deployments.Add(entity);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request recorded the same id at the same moment: answer as if it had come first.
            db.ChangeTracker.Clear();
            var winner = await db.Deployments.AsNoTracking().FirstAsync(d => d.DeploymentId == deployment.DeploymentId, ct);
            return winner.BodyHash == hash
                ? new Outcome<DeploymentRecord>(ToContract(winner), null)
                : Problems.Conflict($"Deployment '{deployment.DeploymentId}' was already reported with different content.");
        }

        return new Outcome<DeploymentRecord>(ToContract(entity), null, Created: true);
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
            return Problems.Invalid(validation.Errors);
        }

        if (await CheckServiceAsync(request.Service, user, ct) is { } refused)
        {
            return refused;
        }

        if (request.DeploymentId is not null && await LinkProblemAsync(request.DeploymentId, request.Service, ct) is { } link)
        {
            return link;
        }

        var id = request.IncidentId ?? $"inc-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        if (await db.Incidents.AnyAsync(i => i.IncidentId == id, ct))
        {
            return Problems.Conflict($"Incident '{id}' exists already; change it with PATCH /api/v1/incidents/{id}.");
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
        db.Incidents.Add(entity);
        await db.SaveChangesAsync(ct);
        return new Outcome<IncidentRecord>(ToContract(entity), null, Created: true);
    }

    public async Task<Outcome<IncidentRecord>> PatchIncidentAsync(string id, IncidentPatch patch, ClaimsPrincipal user, CancellationToken ct)
    {
        var entity = await db.Incidents.FirstOrDefaultAsync(i => i.IncidentId == id, ct);
        if (entity is null)
        {
            return Problems.NotFound($"There is no incident '{id}'.");
        }

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
            return Problems.Invalid(validation.Errors);
        }

        if (await CheckServiceAsync(entity.Service, user, ct) is { } refused)
        {
            return refused;
        }

        if (patch.DeploymentId is not null && await LinkProblemAsync(patch.DeploymentId, entity.Service, ct) is { } link)
        {
            return link;
        }

        entity.Title = patch.Title ?? entity.Title;
        entity.Severity = patch.Severity ?? entity.Severity;
        entity.DeploymentId = patch.DeploymentId ?? entity.DeploymentId;
        entity.ResolvedAt = patch.ResolvedAt?.ToUniversalTime() ?? entity.ResolvedAt;
        await db.SaveChangesAsync(ct);
        return new Outcome<IncidentRecord>(ToContract(entity), null);
    }

    public async Task<IncidentRecord?> GetIncidentAsync(string id, CancellationToken ct) =>
        await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.IncidentId == id, ct) is { } entity ? ToContract(entity) : null;

    private async Task<ProblemHttpResult?> CheckServiceAsync(string name, ClaimsPrincipal user, CancellationToken ct)
    {
        var service = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);
        if (service is null)
        {
            return Problems.NotFound($"Service '{name}' is not in the catalog.");
        }

        return user.MayWriteFor(service.Owner)
            ? null
            : Problems.Forbidden($"Service '{name}' is owned by team '{service.Owner}'; the token of team '{user.Team()}' may not record its incidents.");
    }

    private async Task<ProblemHttpResult?> LinkProblemAsync(string deploymentId, string service, CancellationToken ct)
    {
        var deployment = await db.Deployments.AsNoTracking().FirstOrDefaultAsync(d => d.DeploymentId == deploymentId, ct);
        return deployment switch
        {
            null => Problems.BadRequest($"Deployment '{deploymentId}' is not known; report it first (POST /api/v1/deployments) or leave deploymentId out."),
            _ when deployment.Service != service => Problems.BadRequest($"Deployment '{deploymentId}' is of service '{deployment.Service}', not '{service}'."),
            _ => null,
        };
    }

    private static string Hash(DeploymentEvent deployment)
    {
        // Times normalized to UTC, so that the same instant written with another offset is the same event.
        var normalized = deployment with
        {
            StartedAt = deployment.StartedAt.ToUniversalTime(),
            FinishedAt = deployment.FinishedAt.ToUniversalTime(),
            Type = deployment.Type ?? "regular",
            Commits = deployment.Commits?.Select(c => c with { Timestamp = c.Timestamp.ToUniversalTime() }).ToList(),
        };
        return Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(normalized, PlatformJsonContext.Default.DeploymentEvent)));
    }

    internal static DeploymentRecord ToContract(DeploymentEntity d) => new(
        d.DeploymentId, d.Service, d.Environment, d.Version, d.Commit, d.StartedAt, d.FinishedAt, d.Outcome, d.Type, d.Remediates, d.Commits,
        d.PolicyPassed is { } passed ? new PolicyResult(passed, d.PolicyErrors ?? 0, d.PolicyWarnings ?? 0) : null, d.Url, d.RecordedAt);

    internal static IncidentRecord ToContract(IncidentEntity i) => new(i.IncidentId, i.Service, i.Environment, i.Title, i.Severity, i.StartedAt, i.ResolvedAt, i.DeploymentId);
}
