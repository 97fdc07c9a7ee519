using System.Security.Claims;
using GoldenPath.Catalog;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Auth;
using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Domain;

/// <summary>The outcome of a write: the value, or the problem to answer with.</summary>
internal readonly record struct Outcome<T>(T? Value, IResult? Problem, bool Created = false)
{
    public static implicit operator Outcome<T>(ProblemHttpResult problem) => new(default, problem);

    public static implicit operator Outcome<T>(ValidationProblem problem) => new(default, problem);
}

/// <summary>Catalog entries and their instances.</summary>
internal sealed class CatalogService(PlatformDbContext db, LookupCache lookups, HeartbeatWriter heartbeats, TimeProvider time, IOptions<PlatformOptions> options)
{
    private static readonly string[] s_statuses = ["Healthy", "Degraded", "Unhealthy"];

    public async Task<Outcome<ServiceDescription>> UpsertServiceAsync(string name, ServiceUpsertRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var validation = ValidateService(name, request);
        if (!validation.IsValid)
        {
            return Problems.Invalid(validation.Errors);
        }

        if (!user.MayWriteFor(request.Owner))
        {
            return Problems.Forbidden($"The token of team '{user.Team()}' may not register a service owned by team '{request.Owner}'; use a token of team '{request.Owner}'.");
        }

        var existing = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);
        if (existing is not null && !user.MayWriteFor(existing.Owner))
        {
            return Problems.Forbidden($"Service '{name}' is owned by team '{existing.Owner}'; the token of team '{user.Team()}' may not change it.");
        }

        var now = time.GetUtcNow();
        var created = existing is null;
        var entity = await StoreRetry.UpsertAsync(db,
            () => db.Services.FirstOrDefaultAsync(s => s.Name == name, ct),
            () => Apply(new ServiceEntity { Name = name, Owner = "", System = "", Lifecycle = "", Type = "", CreatedAt = now }, request, now),
            e => Apply(e, request, now),
            ct);
        await lookups.ForgetOwnerAsync(db, name); // after the write, so that no heartbeat in between caches the previous owner again
        return new Outcome<ServiceDescription>(await DescribeAsync(entity, ct), null, created);
    }

    public async Task<ServiceDescription?> GetServiceAsync(string name, CancellationToken ct)
    {
        var entity = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);
        return entity is null ? null : await DescribeAsync(entity, ct);
    }

    /// <summary>A page of the catalog in name order: the first <paramref name="limit"/> services named after <paramref name="after"/>.</summary>
    public async Task<IReadOnlyList<ServiceDescription>> ListServicesAsync(string? owner, string? system, int limit, string? after, CancellationToken ct)
    {
        var query = db.Services.AsNoTracking();
        if (!string.IsNullOrEmpty(after))
        {
            query = query.Where(s => string.Compare(s.Name, after) > 0);
        }

        if (owner is not null)
        {
            query = query.Where(s => s.Owner == owner);
        }

        if (system is not null)
        {
            query = query.Where(s => s.System == system);
        }

        var services = await query.OrderBy(s => s.Name).Take(limit).ToListAsync(ct);
        var instances = (await LiveInstancesAsync(db, [.. services.Select(s => s.Name)], time.GetUtcNow(), ct)).ToLookup(i => i.ServiceName);
        return services.Select(s => Describe(s, instances[s.Name])).ToList();
    }

    public async Task<Outcome<ServiceInstance>> PutInstanceAsync(string name, string instanceId, InstanceRegistration registration, ClaimsPrincipal user, CancellationToken ct)
    {
        var validation = new Validation();
        validation.Name("name", name);
        validation.Identifier("instanceId", instanceId);
        validation.Required("version", registration.Version, 64);
        validation.Required("environment", registration.Environment, 63);
        validation.Required("sdkVersion", registration.SdkVersion, 64);
        validation.Length("commit", registration.Commit, 64);
        validation.OneOf("status", registration.Status, s_statuses, required: false);
        validation.Count("endpoints", registration.Endpoints, 20);
        validation.Count("dependencies", registration.Dependencies, 50);
        for (var i = 0; i < (registration.Endpoints?.Count ?? 0); i++)
        {
            validation.AbsoluteUrl($"endpoints[{i}]", registration.Endpoints![i], required: true);
        }

        validation.AbsoluteUrl("health.live", registration.Health?.Live);
        validation.AbsoluteUrl("health.ready", registration.Health?.Ready);
        validation.AbsoluteUrl("health.startup", registration.Health?.Startup);
        ValidateDependencies(validation, registration.Dependencies);
        if (!validation.IsValid)
        {
            return Problems.Invalid(validation.Errors);
        }

        var owner = await lookups.FindOwnerAsync(db, name, ct);
        if (owner is null)
        {
            if (registration.Service is not { } identity)
            {
                return Problems.NotFound($"Service '{name}' is not in the catalog; register it first with PUT /api/v1/services/{name}, or send the service's identity ('service') with the registration.");
            }

            var claimed = await CreateFromRegistrationAsync(name, identity, registration, user, ct);
            if (claimed.Problem is not null)
            {
                return new Outcome<ServiceInstance>(null, claimed.Problem);
            }

            owner = claimed.Value!;
        }

        if (!user.MayWriteFor(owner))
        {
            return Problems.Forbidden($"Service '{name}' is owned by team '{owner}'; the token of team '{user.Team()}' may not register its instances.");
        }

        var now = time.GetUtcNow();
        var expires = now + options.Value.InstanceTtl;

        // Nearly every call is the heartbeat of a known instance, written with others in one round trip.
        if (await heartbeats.RefreshAsync(name, instanceId, registration, now, expires, ct) is { } refreshed)
        {
            return new Outcome<ServiceInstance>(ToContract(refreshed), null);
        }

        var created = false;
        var entity = await StoreRetry.UpsertAsync(db,
            () => db.Instances.FirstOrDefaultAsync(i => i.ServiceName == name && i.InstanceId == instanceId, ct),
            () =>
            {
                created = true;
                return Apply(new InstanceEntity { ServiceName = name, InstanceId = instanceId, Version = "", Environment = "", SdkVersion = "", RegisteredAt = now }, registration, now, expires);
            },
            e =>
            {
                if (e.ExpiresAt <= now)
                {
                    e.RegisteredAt = now;
                }

                Apply(e, registration, now, expires);
            },
            ct);
        return new Outcome<ServiceInstance>(ToContract(entity), null, created);
    }

    /// <summary>
    /// Creates the catalog entry of a service that is not in the catalog from the identity its registering instance
    /// states, for a token of the owning team: the first claim of a name wins, and a registration never changes an
    /// existing entry (its tags, links, APIs and definitions are the team's, written with catalog:write).
    /// </summary>
    private async Task<Outcome<string>> CreateFromRegistrationAsync(string name, RegisteringService identity, InstanceRegistration registration, ClaimsPrincipal user, CancellationToken ct)
    {
        var request = new ServiceUpsertRequest(identity.Owner, identity.Lifecycle, identity.System, "service", identity.Description, DependsOn: registration.Dependencies);
        var validation = ValidateService(name, request);
        if (!validation.IsValid)
        {
            return Problems.Invalid(validation.Errors.ToDictionary(e => $"service.{e.Key}", e => e.Value));
        }

        if (!user.MayWriteFor(identity.Owner))
        {
            return Problems.Forbidden($"Service '{name}' is not in the catalog and its registration names team '{identity.Owner}' as owner; the token of team '{user.Team()}' may only create services of its own team.");
        }

        var now = time.GetUtcNow();
        db.Services.Add(Apply(new ServiceEntity { Name = name, Owner = "", System = "", Lifecycle = "", Type = "", CreatedAt = now }, request, now));
        try
        {
            await db.SaveChangesAsync(ct);
            return new Outcome<string>(identity.Owner, null, Created: true);
        }
        catch (DbUpdateException)
        {
            // Another registration or a PUT created it first: the owner it stored decides.
            db.ChangeTracker.Clear();
            var stored = await db.Services.AsNoTracking().Where(s => s.Name == name).Select(s => s.Owner).FirstOrDefaultAsync(ct);
            return stored is null ? throw new InvalidOperationException($"Service '{name}' could not be created and is not in the catalog.") : new Outcome<string>(stored, null);
        }
    }

    public async Task<IResult> DeleteInstanceAsync(string name, string instanceId, ClaimsPrincipal user, CancellationToken ct)
    {
        var service = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);
        if (service is null)
        {
            return Problems.NotFound($"Service '{name}' is not in the catalog.");
        }

        if (!user.MayWriteFor(service.Owner))
        {
            return Problems.Forbidden($"Service '{name}' is owned by team '{service.Owner}'; the token of team '{user.Team()}' may not deregister its instances.");
        }

        var deleted = await db.Instances.Where(i => i.ServiceName == name && i.InstanceId == instanceId).ExecuteDeleteAsync(ct);
        return deleted == 0
            ? Problems.NotFound($"Service '{name}' has no instance '{instanceId}'.")
            : TypedResults.NoContent();
    }

    public async Task<int> PurgeExpiredInstancesAsync(TimeSpan olderThan, CancellationToken ct)
    {
        var cutoff = time.GetUtcNow() - olderThan;
        return await db.Instances.Where(i => i.ExpiresAt < cutoff).ExecuteDeleteAsync(ct);
    }

    internal static Validation ValidateService(string name, ServiceUpsertRequest request)
    {
        var validation = new Validation();
        validation.Name("name", name);
        validation.Name("owner", request.Owner);
        if (request.System is not null)
        {
            validation.Name("system", request.System);
        }

        validation.OneOf("lifecycle", request.Lifecycle, Validation.Lifecycles);
        validation.Length("type", request.Type, 32);
        validation.Length("description", request.Description, 1024);
        validation.Count("tags", request.Tags, 20);
        validation.Count("links", request.Links, 20);
        validation.Count("providesApis", request.ProvidesApis, 50);
        validation.Count("consumesApis", request.ConsumesApis, 50);
        validation.Count("apiDefinitions", request.ApiDefinitions, 20);
        ValidateDependencies(validation, request.DependsOn);
        foreach (var (api, i) in (request.ApiDefinitions ?? []).Select((a, i) => (a, i)))
        {
            validation.Name($"apiDefinitions[{i}].name", api.Name);
            validation.OneOf($"apiDefinitions[{i}].type", api.Type, ["openapi", "asyncapi", "graphql", "grpc"]);
            validation.Required($"apiDefinitions[{i}].definition", api.Definition, 128 * 1024);
        }

        if (validation.IsValid)
        {
            // What Backstage would reject (tags, links, references) is found by writing the entity and reading it back.
            var component = BackstageFeed.ToComponent(Apply(new ServiceEntity { Name = name, Owner = "", System = "", Lifecycle = "", Type = "" }, request, DateTimeOffset.UnixEpoch));
            foreach (var problem in CatalogInfoReader.TryRead(CatalogInfoWriter.Write([component])).Problems)
            {
                validation.Add(problem.Field, problem.Message);
            }
        }

        return validation;
    }

    private static void ValidateDependencies(Validation validation, IReadOnlyList<ServiceDependency>? dependencies)
    {
        foreach (var (dependency, i) in (dependencies ?? []).Select((d, i) => (d, i)))
        {
            validation.Name($"dependencies[{i}].name", dependency.Name);
            validation.OneOf($"dependencies[{i}].kind", dependency.Kind, ["postgres", "redis", "service", "http", "unknown"]);
        }
    }

    private static ServiceEntity Apply(ServiceEntity entity, ServiceUpsertRequest request, DateTimeOffset now)
    {
        entity.Owner = request.Owner;
        entity.System = request.System ?? request.Owner;
        entity.Lifecycle = request.Lifecycle;
        entity.Type = string.IsNullOrWhiteSpace(request.Type) ? "service" : request.Type;
        entity.Description = request.Description;
        entity.Tags = [.. request.Tags ?? []];
        entity.Links = [.. request.Links ?? []];
        entity.ProvidesApis = [.. request.ProvidesApis ?? []];
        entity.ConsumesApis = [.. request.ConsumesApis ?? []];
        entity.DependsOn = [.. request.DependsOn ?? []];
        entity.ApiDefinitions = [.. request.ApiDefinitions ?? []];
        entity.UpdatedAt = now;
        return entity;
    }

    internal static InstanceEntity Apply(InstanceEntity entity, InstanceRegistration registration, DateTimeOffset now, DateTimeOffset expires)
    {
        entity.Version = registration.Version;
        entity.Environment = registration.Environment;
        entity.SdkVersion = registration.SdkVersion;
        entity.Endpoints = [.. registration.Endpoints ?? []];
        entity.HealthLive = registration.Health?.Live;
        entity.HealthReady = registration.Health?.Ready;
        entity.HealthStartup = registration.Health?.Startup;
        entity.Dependencies = [.. registration.Dependencies ?? []];
        entity.Commit = registration.Commit;
        entity.Status = registration.Status;
        entity.TelemetryConfigured = registration.TelemetryConfigured;
        entity.StartedAt = registration.StartedAt?.ToUniversalTime();
        entity.LastHeartbeatAt = now;
        entity.ExpiresAt = expires;
        return entity;
    }

    private async Task<ServiceDescription> DescribeAsync(ServiceEntity entity, CancellationToken ct)
    {
        return Describe(entity, await LiveInstancesAsync(db, [entity.Name], time.GetUtcNow(), ct));
    }

    /// <summary>
    /// The live instances of some services. Expiry is checked here rather than in SQL: with <c>ExpiresAt &gt; now</c> in
    /// the query, PostgreSQL's statistics (whose newest expiry is always in the past) make the planner expect no row and
    /// scan the expiry index through every live instance of every service (5 ms at 10,000 instances) instead of the
    /// key's few rows; expired rows are few, since <see cref="InstancePurgeService"/> removes them after an hour.
    /// </summary>
    internal static async Task<List<InstanceEntity>> LiveInstancesAsync(PlatformDbContext db, IReadOnlyCollection<string> services, DateTimeOffset now, CancellationToken ct)
    {
        var stored = await db.Instances.AsNoTracking().Where(i => services.Contains(i.ServiceName)).ToListAsync(ct);
        return stored.Where(i => i.ExpiresAt > now).ToList();
    }

    internal static ServiceDescription Describe(ServiceEntity s, IEnumerable<InstanceEntity> instances) => new(
        s.Name, s.Owner, s.System, s.Lifecycle, s.Type, s.Description, s.Tags, s.Links, s.ProvidesApis, s.ConsumesApis, s.DependsOn, s.ApiDefinitions,
        instances.OrderBy(i => i.InstanceId, StringComparer.Ordinal).Select(ToContract).ToList(), s.CreatedAt, s.UpdatedAt);

    internal static ServiceInstance ToContract(InstanceEntity i) => new(
        i.InstanceId, i.Version, i.Environment, i.SdkVersion, i.Endpoints, new InstanceHealthUrls(i.HealthLive, i.HealthReady, i.HealthStartup),
        i.Dependencies, i.Commit, i.Status, i.TelemetryConfigured, i.RegisteredAt, i.LastHeartbeatAt, i.ExpiresAt);
}
