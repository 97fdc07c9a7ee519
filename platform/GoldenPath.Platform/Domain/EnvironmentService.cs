using System.Security.Claims;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Kubernetes;
using GoldenPath.Platform.Auth;
using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform.Domain;

/// <summary>Self-service environments: records a team's namespace and returns the manifests that create it.</summary>
internal sealed class EnvironmentService(PlatformDbContext db, TimeProvider time)
{
    public async Task<Outcome<EnvironmentRecord>> RequestAsync(EnvironmentRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var namespaceRequest = ToNamespaceRequest(request.Team, request.Environment, request.Cpu, request.Memory, request.Pods ?? 50, request.CostCenter, request.Group);
        var problems = NamespaceBootstrap.Validate(namespaceRequest);
        if (request.Group is { Length: > 256 })
        {
            problems["group"] = ["group has more than 256 characters"];
        }

        if (problems.Count > 0)
        {
            return Problems.Invalid(problems);
        }

        if (!user.MayWriteFor(request.Team))
        {
            return Problems.Forbidden($"The token of team '{user.Team()}' may not create environments for team '{request.Team}'.");
        }

        var now = time.GetUtcNow();
        var created = false;
        var entity = await StoreRetry.UpsertAsync(db,
            () => db.Environments.FirstOrDefaultAsync(e => e.Team == request.Team && e.Environment == request.Environment, ct),
            () =>
            {
                created = true;
                return Apply(new EnvironmentEntity { Team = request.Team, Environment = request.Environment, Cpu = "", Memory = "", Group = "", CreatedAt = now }, namespaceRequest, now);
            },
            e => Apply(e, namespaceRequest, now),
            ct);
        return new Outcome<EnvironmentRecord>(ToContract(entity), null, created);
    }

    public async Task<EnvironmentRecord?> GetAsync(string team, string environment, CancellationToken ct) =>
        await db.Environments.AsNoTracking().FirstOrDefaultAsync(e => e.Team == team && e.Environment == environment, ct) is { } entity ? ToContract(entity) : null;

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
