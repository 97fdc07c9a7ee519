using System.Security.Claims;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Kubernetes;
using GoldenPath.Platform.Auth;
using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Domain;

/// <summary>Self-service environments: records a team's namespace and returns the manifests that create it.</summary>
internal sealed class EnvironmentService(PlatformDbContext db, TimeProvider time, IOptions<PlatformOptions> options)
{
    /// <summary>
    /// Grants a team an environment. Its namespace, <c>{team}-{environment}</c>, is reserved by the store's unique key
    /// when the environment is first recorded, so that no other team's request can ever render the same namespace
    /// (team <c>team-payments</c>'s <c>eu-prod</c> is <c>team-payments-eu</c>'s <c>prod</c>): that request is a conflict.
    /// A namespace Kubernetes or the cluster keeps for itself (<c>kube-system</c>, <see cref="PlatformOptions.ReservedNamespaces"/>)
    /// is never granted: that request is invalid.
    /// </summary>
    public async Task<Outcome<EnvironmentRecord>> RequestAsync(EnvironmentRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var namespaceRequest = ToNamespaceRequest(request.Team, request.Environment, request.Cpu, request.Memory, request.Pods ?? 50, request.CostCenter, request.Group);
        var problems = NamespaceBootstrap.Validate(namespaceRequest, options.Value.AllReservedNamespaces);
        if (problems.Count > 0)
        {
            return Failure.Invalid(problems);
        }

        if (!user.MayWriteFor(request.Team))
        {
            return Failure.Forbidden($"The token of team '{user.Team()}' may not create environments for team '{request.Team}'.");
        }

        var name = namespaceRequest.Namespace;
        var now = time.GetUtcNow();
        for (var attempt = 1; ; attempt++)
        {
            if (await HolderAsync(name, request, ct) is { } holder)
            {
                return Collision(name, holder);
            }

            var entity = await db.Environments.FirstOrDefaultAsync(e => e.Team == request.Team && e.Environment == request.Environment, ct);
            var created = entity is null;
            if (entity is null)
            {
                entity = new EnvironmentEntity { Team = request.Team, Environment = request.Environment, Cpu = "", Memory = "", Group = "", CreatedAt = now };
                db.Environments.Add(entity);
            }

            entity.Namespace = name;
            Apply(entity, namespaceRequest, now);
            try
            {
                await db.SaveChangesAsync(ct);
                return new Outcome<EnvironmentRecord>(ToContract(entity), null, created);
            }
            catch (DbUpdateException e) when (StoreRetry.IsUniqueKeyViolation(e))
            {
                // Another request took the namespace, or created this environment, in between: look again.
                db.ChangeTracker.Clear();
                if (attempt == 3)
                {
                    return Failure.Conflict($"The environment '{request.Environment}' of team '{request.Team}' (namespace '{name}') was changed by other requests while this one was writing it, {attempt} times in a row; nothing was written. Send the request again.");
                }
            }
        }
    }

    /// <summary>An environment with its manifests; never the manifests of a namespace another team was granted.</summary>
    public async Task<Outcome<EnvironmentRecord>> GetAsync(string team, string environment, CancellationToken ct)
    {
        var entity = await db.Environments.AsNoTracking().FirstOrDefaultAsync(e => e.Team == team && e.Environment == environment, ct);
        if (entity is null)
        {
            return Failure.NotFound($"Team '{team}' has no environment '{environment}'.");
        }

        var name = $"{team}-{environment}";
        return entity.Namespace == name
            ? new Outcome<EnvironmentRecord>(ToContract(entity), null)
            : await db.Environments.AsNoTracking().FirstOrDefaultAsync(e => e.Namespace == name, ct) is { } holder
                ? Collision(name, holder)
                : Failure.Conflict($"The namespace '{name}' of this environment was never reserved for team '{team}' (it was recorded before namespaces were); request the environment again (POST /api/v1/environments) to reserve it.");
    }

    /// <summary>The environment of another team (or of this team under another name) that holds the namespace.</summary>
    private async Task<EnvironmentEntity?> HolderAsync(string name, EnvironmentRequest request, CancellationToken ct) =>
        await db.Environments.AsNoTracking().FirstOrDefaultAsync(e => e.Namespace == name && (e.Team != request.Team || e.Environment != request.Environment), ct);

    private static Failure Collision(string name, EnvironmentEntity holder) =>
        Failure.Conflict($"The namespace '{name}' belongs to team '{holder.Team}' (its environment '{holder.Environment}'): namespaces are named '{{team}}-{{environment}}' and each is granted to one team only. Choose another environment name.");

    private static NamespaceRequest ToNamespaceRequest(string team, string environment, string cpu, string memory, int pods, string? costCenter, string? group) =>
        new(team, environment, cpu, memory, pods, costCenter, group);

    private static EnvironmentEntity Apply(EnvironmentEntity entity, NamespaceRequest request, DateTimeOffset now)
    {
        entity.Cpu = request.Cpu;
        entity.Memory = request.Memory;
        entity.Pods = request.Pods;
        entity.CostCenter = request.CostCenter;
        entity.Group = request.EffectiveGroup;
        entity.UpdatedAt = now;
        return entity;
    }

    private static EnvironmentRecord ToContract(EnvironmentEntity e)
    {
        var request = ToNamespaceRequest(e.Team, e.Environment, e.Cpu, e.Memory, e.Pods, e.CostCenter, e.Group);
        var objects = NamespaceBootstrap.Create(request);
        return new EnvironmentRecord(e.Team, e.Environment, request.Namespace, e.Cpu, e.Memory, e.Pods, e.CostCenter, e.Group,
            objects.Select(o => o.Kind).ToList(), NamespaceBootstrap.ToYaml(objects), e.CreatedAt);
    }
}
