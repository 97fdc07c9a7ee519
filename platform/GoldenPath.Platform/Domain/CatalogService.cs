using System.Runtime.CompilerServices;
using System.Security.Claims;
using GoldenPath.Catalog;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Auth;
using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Domain;

/// <summary>Catalog entries and their instances.</summary>
internal sealed class CatalogService(PlatformDbContext db, LookupCache lookups, HeartbeatWriter heartbeats, TimeProvider time, IOptions<PlatformOptions> options,
    Lazy<ScorecardResults> scorecardResults)
{
    private static readonly string[] s_statuses = ["Healthy", "Degraded", "Unhealthy"];

    public async Task<Outcome<ServiceDescription>> UpsertServiceAsync(string name, ServiceUpsertRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var validation = ValidateService(name, request);
        if (!validation.IsValid)
        {
            return Failure.Invalid(validation.Errors);
        }

        if (!user.MayWriteFor(request.Owner))
        {
            return Failure.Forbidden($"The token of team '{user.Team()}' may not register a service owned by team '{request.Owner}'; use a token of team '{request.Owner}'.");
        }

        // The first team to write a name claims it. The ownership check and the write are one: a new entry is an insert
        // that loses to a concurrent one (the key), and an update applies only while the owner read is still the owner
        // (a concurrency token), so a racing request is answered from the row as it is, never written over it.
        var now = time.GetUtcNow();
        ServiceEntity entity;
        bool created;
        for (var attempt = 1; ; attempt++)
        {
            var existing = await db.Services.FirstOrDefaultAsync(s => s.Name == name, ct);
            if (existing is not null && !user.MayWriteFor(existing.Owner))
            {
                return Failure.Forbidden($"Service '{name}' is owned by team '{existing.Owner}'; the token of team '{user.Team()}' may not change it. A name belongs to the team that registered it first; only an admin token can transfer it.");
            }

            created = existing is null;
            entity = existing ?? db.Services.Add(new ServiceEntity { Name = name, Owner = "", System = "", Lifecycle = "", Type = "", CreatedAt = now }).Entity;
            Apply(entity, request, now);
            await ClaimSystemAsync(entity.System, entity.Owner, now, ct);
            try
            {
                await db.SaveChangesAsync(ct);
                break;
            }
            catch (DbUpdateException e) when (StoreRetry.IsUniqueKeyViolation(e) && attempt < 5)
            {
                db.ChangeTracker.Clear();
            }
        }

        await lookups.ForgetOwnerAsync(db, name); // after the write, so that no heartbeat in between caches the previous owner again
        await scorecardResults.Value.RefreshAfterWriteAsync(name, ct);
        return new Outcome<ServiceDescription>(await DescribeAsync(entity, ct), null, created);
    }

    /// <summary>
    /// Records the team that first places a service in a System as its owner (saved with the service). A System named
    /// after a known team (the default System of a service is its owner's name) is that team's, whoever comes first.
    /// </summary>
    private async Task ClaimSystemAsync(string system, string owner, DateTimeOffset now, CancellationToken ct)
    {
        if (!await db.Systems.AnyAsync(s => s.Name == system, ct))
        {
            var namesake = system != owner && (await db.Tokens.AnyAsync(t => t.Team == system, ct) || await db.Services.AnyAsync(s => s.Owner == system, ct));
            db.Systems.Add(new SystemClaimEntity { Name = system, Owner = namesake ? system : owner, CreatedAt = now });
        }
    }

    public async Task<ServiceDescription?> GetServiceAsync(string name, CancellationToken ct)
    {
        var entity = await Compiled.Service(db, name, ct);
        return entity is null ? null : Describe(entity, (await ReadLiveInstancesAsync([entity.Name], ct)).ConvertAll(i => i.Instance));
    }

    /// <summary>A page of the catalog in name order: the first <paramref name="limit"/> services named after <paramref name="after"/>.</summary>
    public async Task<IReadOnlyList<ServiceDescription>> ListServicesAsync(string? owner, string? system, int limit, string? after, CancellationToken ct)
    {
        var services = new List<ServiceEntity>(limit);
        await foreach (var service in Compiled.Page(db, string.IsNullOrEmpty(after) ? null : after, owner, system, limit).WithCancellation(ct))
        {
            services.Add(service);
        }

        if (services.Count == 0)
        {
            return [];
        }

        var instances = (await ReadLiveInstancesAsync([.. services.Select(s => s.Name)], ct)).ToLookup(i => i.Service, i => i.Instance, StringComparer.Ordinal);
        return services.ConvertAll(s => Describe(s, instances[s.Name]));
    }

    // The catalog's reads, compiled once per model (PostgreSQL's or SQLite's; a compiled query belongs to one model):
    // nearly all of the platform's reads are these, and EF Core otherwise rebuilds each one's parameters from its
    // expression tree (compiling a delegate) at every execution. The instances are read straight into the response's
    // records, never as entities.
    private static readonly ConditionalWeakTable<IModel, Reads> s_reads = new();

    private sealed class Reads(bool postgres)
    {
        public Func<PlatformDbContext, string, CancellationToken, Task<ServiceEntity?>> Service { get; } =
            EF.CompileAsyncQuery((PlatformDbContext db, string name, CancellationToken ct) => db.Services.AsNoTracking().FirstOrDefault(s => s.Name == name));

        public Func<PlatformDbContext, string?, string?, string?, int, IAsyncEnumerable<ServiceEntity>> Page { get; } =
            EF.CompileAsyncQuery((PlatformDbContext db, string? after, string? owner, string? system, int limit) => db.Services.AsNoTracking()
                .Where(s => (after == null || string.Compare(s.Name, after) > 0) && (owner == null || s.Owner == owner) && (system == null || s.System == system))
                .OrderBy(s => s.Name)
                .Take(limit));

        // PostgreSQL's comparison is written so that no index serves it (see Live); SQLite's planner takes the key either way.
        public Func<PlatformDbContext, string[], DateTimeOffset, IAsyncEnumerable<LiveInstance>> Live { get; } = postgres
            ? EF.CompileAsyncQuery((PlatformDbContext db, string[] services, DateTimeOffset now) => db.Instances.AsNoTracking()
                .Where(i => services.Contains(i.ServiceName) && i.ExpiresAt + TimeSpan.Zero > now)
                .Select(i => new LiveInstance(i.ServiceName, new ServiceInstance(i.InstanceId, i.Version, i.Environment, i.SdkVersion, i.Endpoints,
                    new InstanceHealthUrls(i.HealthLive, i.HealthReady, i.HealthStartup), ToContracts(i.Dependencies), i.Commit, i.Status, i.TelemetryConfigured,
                    i.RegisteredAt, i.LastHeartbeatAt, i.ExpiresAt, i.Template, i.TemplateVersion))))
            : EF.CompileAsyncQuery((PlatformDbContext db, string[] services, DateTimeOffset now) => db.Instances.AsNoTracking()
                .Where(i => services.Contains(i.ServiceName) && i.ExpiresAt > now)
                .Select(i => new LiveInstance(i.ServiceName, new ServiceInstance(i.InstanceId, i.Version, i.Environment, i.SdkVersion, i.Endpoints,
                    new InstanceHealthUrls(i.HealthLive, i.HealthReady, i.HealthStartup), ToContracts(i.Dependencies), i.Commit, i.Status, i.TelemetryConfigured,
                    i.RegisteredAt, i.LastHeartbeatAt, i.ExpiresAt, i.Template, i.TemplateVersion))));
    }

    private Reads Compiled => s_reads.TryGetValue(db.Model, out var reads) ? reads : s_reads.GetValue(db.Model, _ => new Reads(db.Database.IsNpgsql()));

    /// <summary>A live instance as the catalog's responses show it, with the service it belongs to.</summary>
    private sealed record LiveInstance(string Service, ServiceInstance Instance);

    private async Task<List<LiveInstance>> ReadLiveInstancesAsync(string[] services, CancellationToken ct)
    {
        var live = new List<LiveInstance>();
        await foreach (var instance in Compiled.Live(db, services, time.GetUtcNow()).WithCancellation(ct))
        {
            live.Add(instance);
        }

        return live;
    }

    private static List<ServiceDependency> ToContracts(List<StoredDependency> dependencies) => dependencies.ConvertAll(d => d.ToContract());

    public async Task<Outcome<ServiceInstance>> PutInstanceAsync(string name, string instanceId, InstanceRegistration registration, ClaimsPrincipal user, CancellationToken ct)
    {
        var validation = new Validation();
        validation.Name("name", name);
        validation.Identifier("instanceId", instanceId);
        validation.Required("version", registration.Version, 64);
        validation.Required("environment", registration.Environment, 63);
        validation.Required("sdkVersion", registration.SdkVersion, 64);
        validation.Length("template", registration.Template, FleetVersionsService.MaxTemplateLength);
        validation.Length("templateVersion", registration.TemplateVersion, FleetVersionsService.MaxVersionLength);
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
            return Failure.Invalid(validation.Errors);
        }

        var owner = await lookups.FindOwnerAsync(db, name, ct);
        if (owner is null)
        {
            if (registration.Service is not { } identity)
            {
                return Failure.NotFound($"Service '{name}' is not in the catalog; register it first with PUT /api/v1/services/{name}, or send the service's identity ('service') with the registration.");
            }

            var claimed = await CreateFromRegistrationAsync(name, identity, registration, user, ct);
            if (claimed.Failure is not null)
            {
                return new Outcome<ServiceInstance>(null, claimed.Failure);
            }

            owner = claimed.Value!;
        }

        if (!user.MayWriteFor(owner))
        {
            return Failure.Forbidden($"Service '{name}' is owned by team '{owner}'; the token of team '{user.Team()}' may not register its instances.");
        }

        var now = time.GetUtcNow();
        var expires = now + options.Value.InstanceTtl;

        // Nearly every call is the heartbeat of a known instance, written with others in one round trip.
        if (await heartbeats.RefreshAsync(name, instanceId, registration, now, expires, ct) is { } refreshed)
        {
            return new Outcome<ServiceInstance>(ToContract(refreshed), null);
        }

        // A new instance, or one that expired: it may make the service exceed its cap of live instances.
        var cap = options.Value.MaxLiveInstancesPerService;
        if (await Live(db, db.Instances.Where(i => i.ServiceName == name && i.InstanceId != instanceId), now).CountAsync(ct) >= cap)
        {
            return Failure.Conflict($"Service '{name}' has {cap} live instances, the most GoldenPath:Platform:MaxLiveInstancesPerService allows; instance '{instanceId}' is not registered. " +
                $"Stopped instances are forgotten {options.Value.InstanceTtl.TotalSeconds:0} s after their last heartbeat (sooner when they deregister); ask the platform team to raise the limit if the service really runs more.");
        }

        var created = false;
        InstanceEntity entity;
        try
        {
            entity = await StoreRetry.UpsertAsync(db,
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
        }
        catch (DbUpdateException e) when (StoreRetry.IsForeignKeyViolation(e))
        {
            return Failure.NotFound($"Service '{name}' was removed from the catalog while instance '{instanceId}' was registering; register again to create it.");
        }

        // A new instance, or one live again: its service's live-instance, ready, telemetry and SDK checks may change.
        await scorecardResults.Value.RefreshAfterWriteAsync(name, ct);
        return new Outcome<ServiceInstance>(ToContract(entity), null, created);
    }

    /// <summary>
    /// Creates the catalog entry of a service that is not in the catalog from the identity its registering instance
    /// states, for a token of the owning team: the first claim of a name wins, and a registration never changes an
    /// existing entry (its tags, links, APIs and definitions are the team's, written with catalog:write).
    /// </summary>
    private async Task<Outcome<string>> CreateFromRegistrationAsync(string name, RegisteringService identity, InstanceRegistration registration, ClaimsPrincipal user, CancellationToken ct)
    {
        var request = new ServiceUpsertRequest(identity.Owner, identity.Lifecycle, identity.System, "service", identity.Description, DependsOn: registration.Dependencies,
            SourceLocation: identity.SourceLocation, TechDocsRef: identity.TechDocsRef, Template: registration.Template, TemplateVersion: registration.TemplateVersion);
        var validation = ValidateService(name, request);
        if (!validation.IsValid)
        {
            return Failure.Invalid(validation.Errors.ToDictionary(e => $"service.{e.Key}", e => e.Value));
        }

        if (!user.MayWriteFor(identity.Owner))
        {
            return Failure.Forbidden($"Service '{name}' is not in the catalog and its registration names team '{identity.Owner}' as owner; the token of team '{user.Team()}' may only create services of its own team.");
        }

        var now = time.GetUtcNow();
        for (var attempt = 1; ; attempt++)
        {
            var entity = db.Services.Add(Apply(new ServiceEntity { Name = name, Owner = "", System = "", Lifecycle = "", Type = "", CreatedAt = now }, request, now)).Entity;
            // Registration is how services normally appear: it claims their System as a PUT does, in the same write.
            await ClaimSystemAsync(entity.System, entity.Owner, now, ct);
            try
            {
                await db.SaveChangesAsync(ct);
                return new Outcome<string>(identity.Owner, null, Created: true);
            }
            catch (DbUpdateException e) when (StoreRetry.IsUniqueKeyViolation(e) && attempt < 5)
            {
                // Another registration or a PUT created it first: the owner it stored decides. Without one, another
                // service claimed the System in between: claim again, from what the store now holds.
                db.ChangeTracker.Clear();
                var stored = await db.Services.AsNoTracking().Where(s => s.Name == name).Select(s => s.Owner).FirstOrDefaultAsync(ct);
                if (stored is not null)
                {
                    return new Outcome<string>(stored, null);
                }
            }
        }
    }

    /// <summary>
    /// Takes a service off the platform: its catalog entry, its instances, its deployments and its incidents go, so that it
    /// leaves the Backstage feed (and Backstage deletes its Component, Resources and APIs at its next read) and its name
    /// is free again with no history attached. Only the owning team's token or an admin token may do it. Null when it is gone.
    /// </summary>
    public async Task<Failure?> DeleteServiceAsync(string name, ClaimsPrincipal user, CancellationToken ct)
    {
        var service = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);
        if (service is null)
        {
            return Failure.NotFound($"Service '{name}' is not in the catalog.");
        }

        if (!user.MayWriteFor(service.Owner))
        {
            return Failure.Forbidden($"Service '{name}' is owned by team '{service.Owner}'; the token of team '{user.Team()}' may not remove it.");
        }

        // One transaction: the entry (only while the owner read is still the owner: a transfer in between leaves the
        // entry to its new team), its instances, and its history. Deployment and incident ids are per service and DORA
        // follows the current owner: history left on a free name would become the next claimant's (its first report
        // taken for a retry of the old team's, the old failures in its figures).
        var removed = await db.Database.CreateExecutionStrategy().ExecuteAsync(async cancellation =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellation);
            if (await db.Services.Where(s => s.Name == name && s.Owner == service.Owner).ExecuteDeleteAsync(cancellation) == 0)
            {
                return false;
            }

            await db.Instances.Where(i => i.ServiceName == name).ExecuteDeleteAsync(cancellation);
            await db.Incidents.Where(i => i.Service == name).ExecuteDeleteAsync(cancellation);
            await db.Deployments.Where(d => d.Service == name).ExecuteDeleteAsync(cancellation);
            await transaction.CommitAsync(cancellation);
            return true;
        }, ct);
        if (!removed)
        {
            return Failure.Conflict($"Service '{name}' changed owner while it was being removed; read it again and retry with a token of its owner.");
        }

        await lookups.ForgetOwnerAsync(db, name);
        return null;
    }

    /// <summary>Deregisters an instance of a service; null when it is gone.</summary>
    public async Task<Failure?> DeleteInstanceAsync(string name, string instanceId, ClaimsPrincipal user, CancellationToken ct)
    {
        var service = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);
        if (service is null)
        {
            return Failure.NotFound($"Service '{name}' is not in the catalog.");
        }

        if (!user.MayWriteFor(service.Owner))
        {
            return Failure.Forbidden($"Service '{name}' is owned by team '{service.Owner}'; the token of team '{user.Team()}' may not deregister its instances.");
        }

        var deleted = await db.Instances.Where(i => i.ServiceName == name && i.InstanceId == instanceId).ExecuteDeleteAsync(ct);
        if (deleted == 0)
        {
            return Failure.NotFound($"Service '{name}' has no instance '{instanceId}'.");
        }

        await scorecardResults.Value.RefreshAfterWriteAsync(name, ct);
        return null;
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
        validation.Count("dependsOn", request.DependsOn, 50);
        foreach (var (link, i) in (request.Links ?? []).Select((l, i) => (l, i)))
        {
            validation.AbsoluteUrl($"links[{i}].url", link.Url, required: true);
            validation.Length($"links[{i}].title", link.Title, 256);
            validation.Length($"links[{i}].icon", link.Icon, 64);
            validation.Length($"links[{i}].type", link.Type, 64);
        }

        ValidateDependencies(validation, request.DependsOn);
        ValidateBackstageSources(validation, request);
        foreach (var (api, i) in (request.ApiDefinitions ?? []).Select((a, i) => (a, i)))
        {
            validation.Name($"apiDefinitions[{i}].name", api.Name);
            validation.OneOf($"apiDefinitions[{i}].type", api.Type, ["openapi", "asyncapi", "graphql", "grpc"]);
            validation.Required($"apiDefinitions[{i}].definition", api.Definition, 128 * 1024);
        }

        // What Backstage would refuse in the entity the feed publishes, checked on the request's own fields.
        foreach (var (tag, i) in (request.Tags ?? []).Select((t, i) => (t, i)))
        {
            if (BackstageRules.CheckTag(tag) is { } problem)
            {
                validation.Add($"tags[{i}]", problem);
            }
        }

        ValidateApiReferences(validation, "providesApis", request.ProvidesApis);
        ValidateApiReferences(validation, "consumesApis", request.ConsumesApis);
        return validation;
    }

    /// <summary>
    /// Where Backstage's plugins will read from: the source and the TechDocs. A <c>dir:</c> reference is resolved against
    /// the source location and must stay inside it (TechDocs would otherwise build another repository's docs under this
    /// service's name); template name and version are short labels, nothing more.
    /// </summary>
    private static void ValidateBackstageSources(Validation validation, ServiceUpsertRequest request)
    {
        validation.AbsoluteUrl("sourceLocation", request.SourceLocation);
        if (request.TechDocsRef is { } docs)
        {
            if (BackstageFeed.TechDocsRefProblem(docs, request.SourceLocation) is { } problem)
            {
                validation.Add("techDocsRef", problem);
            }
        }

        validation.Length("template", request.Template, 128);
        validation.Length("templateVersion", request.TemplateVersion, 64);
        if (request.Template is { } template && !BackstageFeed.IsAnnotationValue(template))
        {
            validation.Add("template", $"'{template}' is not a template name: use letters, digits, '.', '-' and '_' (e.g. 'platform-api')");
        }

        if (request.TemplateVersion is { } version && !BackstageFeed.IsAnnotationValue(version))
        {
            validation.Add("templateVersion", $"'{version}' is not a version: use letters, digits, '.', '-', '+' and '_' (e.g. '1.4.0')");
        }
    }

    private static void ValidateApiReferences(Validation validation, string field, IReadOnlyList<string>? apis)
    {
        foreach (var (api, i) in (apis ?? []).Select((a, i) => (a, i)))
        {
            if (BackstageRules.CheckEntityRef(api, "api") is { } problem)
            {
                validation.Add($"{field}[{i}]", problem);
            }
        }
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
        entity.Links = [.. (request.Links ?? []).Select(StoredLink.From)];
        entity.ProvidesApis = [.. request.ProvidesApis ?? []];
        entity.ConsumesApis = [.. request.ConsumesApis ?? []];
        entity.DependsOn = [.. (request.DependsOn ?? []).Select(StoredDependency.From)];
        entity.ApiDefinitions = [.. (request.ApiDefinitions ?? []).Select(StoredApiDefinition.From)];
        entity.SourceLocation = request.SourceLocation;
        entity.TechDocsRef = request.TechDocsRef;
        entity.Template = request.Template;
        entity.TemplateVersion = request.TemplateVersion;
        entity.UpdatedAt = now;
        return entity;
    }

    internal static InstanceEntity Apply(InstanceEntity entity, InstanceRegistration registration, DateTimeOffset now, DateTimeOffset expires)
    {
        entity.Version = registration.Version;
        entity.Environment = registration.Environment;
        entity.SdkVersion = registration.SdkVersion;
        entity.Template = registration.Template;
        entity.TemplateVersion = registration.TemplateVersion;
        entity.Endpoints = [.. registration.Endpoints ?? []];
        entity.HealthLive = registration.Health?.Live;
        entity.HealthReady = registration.Health?.Ready;
        entity.HealthStartup = registration.Health?.Startup;
        entity.Dependencies = [.. (registration.Dependencies ?? []).Select(StoredDependency.From)];
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
        return Describe(entity, (await ReadLiveInstancesAsync([entity.Name], ct)).ConvertAll(i => i.Instance));
    }

    /// <summary>The live instances of some services; expired ones are filtered out by the store and never loaded.</summary>
    internal static Task<List<InstanceEntity>> LiveInstancesAsync(PlatformDbContext db, IReadOnlyCollection<string> services, DateTimeOffset now, CancellationToken ct) =>
        Live(db, db.Instances.AsNoTracking().Where(i => services.Contains(i.ServiceName)), now).ToListAsync(ct);

    /// <summary>
    /// The instances not expired at <paramref name="now"/>, found by the key (the service name) and filtered for expiry
    /// row by row. On PostgreSQL the comparison is written so that no index can serve it (<c>"ExpiresAt" + interval '0'</c>):
    /// with a plain <c>"ExpiresAt" &gt; now</c>, the statistics (whose newest expiry is always in the past) make the planner
    /// expect no row and scan the expiry index through every live instance of every service (10,000 index entries for 10
    /// rows, measured with EXPLAIN ANALYZE) instead of the key's few rows. SQLite's planner takes the key either way.
    /// </summary>
    internal static IQueryable<InstanceEntity> Live(PlatformDbContext db, IQueryable<InstanceEntity> instances, DateTimeOffset now) =>
        db.Database.IsNpgsql()
            ? instances.Where(i => i.ExpiresAt + TimeSpan.Zero > now)
            : instances.Where(i => i.ExpiresAt > now);

    internal static ServiceDescription Describe(ServiceEntity s, IEnumerable<InstanceEntity> instances) => Describe(s, instances.Select(ToContract));

    private static ServiceDescription Describe(ServiceEntity s, IEnumerable<ServiceInstance> instances) => new(
        s.Name, s.Owner, s.System, s.Lifecycle, s.Type, s.Description, s.Tags, s.Links.ConvertAll(l => l.ToContract()), s.ProvidesApis, s.ConsumesApis,
        s.DependsOn.ConvertAll(d => d.ToContract()), s.ApiDefinitions.ConvertAll(a => a.ToContract()),
        instances.OrderBy(i => i.InstanceId, StringComparer.Ordinal).ToList(), s.CreatedAt, s.UpdatedAt,
        s.SourceLocation, s.TechDocsRef, s.Template, s.TemplateVersion);

    internal static ServiceInstance ToContract(InstanceEntity i) => new(
        i.InstanceId, i.Version, i.Environment, i.SdkVersion, i.Endpoints, new InstanceHealthUrls(i.HealthLive, i.HealthReady, i.HealthStartup),
        i.Dependencies.ConvertAll(d => d.ToContract()), i.Commit, i.Status, i.TelemetryConfigured, i.RegisteredAt, i.LastHeartbeatAt, i.ExpiresAt, i.Template, i.TemplateVersion);
}
