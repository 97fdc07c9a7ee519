using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GoldenPath.Catalog;
using GoldenPath.Catalog.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>The platform API through HTTP, run once against SQLite and once against PostgreSQL.</summary>
public abstract class PlatformApiTests(IPlatformStore store)
{
    protected static readonly DateTimeOffset Now = new(2026, 3, 31, 0, 0, 0, TimeSpan.Zero);

    private static readonly PlatformJsonContext Json = PlatformJsonContext.Default;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ATeamRegistersItsServiceAndReadsItBack()
    {
        await using var platform = await StartAsync();
        var name = Unique("orders");
        var writer = platform.Client(await platform.TokenAsync("team-a", "catalog:write"));

        using var created = await writer.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
        using var updated = await writer.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a") with { Description = "Takes orders." }, Json.ServiceUpsertRequest, Ct);
        var read = await writer.GetFromJsonAsync($"/api/v1/services/{name}", Json.ServiceDescription, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(("team-a", "payments", "production", "Takes orders."), (read!.Owner, read.System, read.Lifecycle, read.Description));
        Assert.Equal([new ServiceDependency("orders-db", "postgres")], read.DependsOn);
    }

    [Fact]
    public async Task EveryRefusalIsAProblemThatSaysWhatWasMissingAndChangesNothing()
    {
        await using var platform = await StartAsync();
        var name = Unique("guarded");
        var owner = platform.Client(await platform.TokenAsync("team-a", "catalog:write"));
        await owner.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
        var readOnly = platform.Client(await platform.TokenAsync("team-a", "read"));
        var otherTeam = platform.Client(await platform.TokenAsync("team-b", "catalog:write"));
        var expired = platform.Client(await TokenExpiringAsync(platform));
        var revoked = await platform.TokenAsync("team-a", "catalog:write");
        await platform.Admin.DeleteAsync($"/api/v1/tokens/{await TokenIdAsync(platform, revoked)}", Ct);

        var cases = new (HttpClient Client, int Status, string Detail)[]
        {
            (platform.Anonymous, 401, "needs a bearer token with scope 'catalog:write'"),
            (platform.Client("gpt_not-a-real-token"), 401, "not known to the platform"),
            (expired, 401, "expired at"),
            (platform.Client(revoked), 401, "was revoked at"),
            (readOnly, 403, "has the scopes [read] but this endpoint needs one of [catalog:write, admin]"),
            (otherTeam, 403, $"Service '{name}' is owned by team 'team-a'; the token of team 'team-b' may not change it"),
        };
        foreach (var (client, status, detail) in cases)
        {
            using var response = await client.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-b") with { Owner = "team-b" }, Json.ServiceUpsertRequest, Ct);
            var problem = await ProblemAsync(response);
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Contains(detail, problem.Detail, StringComparison.Ordinal);
        }

        var stored = await platform.QueryAsync(db => db.Services.SingleAsync(s => s.Name == name, Ct));
        Assert.Equal("team-a", stored.Owner);
    }

    [Fact]
    public async Task ReadsNeedATokenUnlessAnonymousReadIsOn()
    {
        await using (var closed = await StartAsync())
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await closed.Anonymous.GetAsync("/api/v1/services", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await closed.Client(await closed.TokenAsync("team-a", "deployments:write")).GetAsync("/api/v1/services", Ct)).StatusCode);
        }

        await using var open = await StartAsync(new() { ["GoldenPath:Platform:AnonymousRead"] = "true" });
        Assert.Equal(HttpStatusCode.OK, (await open.Anonymous.GetAsync("/api/v1/services", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await open.Client("gpt_bogus").GetAsync("/api/v1/services", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("{\"owner\": \"team-a\", ", 400, "not valid JSON")]
    [InlineData("{\"owner\": 42, \"lifecycle\": \"production\"}", 400, "$.owner")]
    [InlineData("[1,2,3]", 400, "not valid JSON")]
    [InlineData("null", 400, "JSON null")]
    [InlineData("{\"owner\": \"Team_A\", \"lifecycle\": \"forever\"}", 400, "'forever' is not one of experimental, production, deprecated")]
    [InlineData("{\"owner\": \"team-a\", \"lifecycle\": \"production\", \"tags\": [\"Not A Tag\"]}", 400, "is not a valid tag")]
    public async Task MalformedOrInvalidBodiesAreRefusedWithTheReason(string body, int status, string detail)
    {
        await using var platform = await StartAsync();
        var name = Unique("bad");

        using var response = await platform.Admin.PutAsync($"/api/v1/services/{name}", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(detail, (await ProblemAsync(response)).Detail, StringComparison.Ordinal);
        Assert.False(await platform.QueryAsync(db => db.Services.AnyAsync(s => s.Name == name, Ct)));
    }

    [Fact]
    public async Task AnInvalidServiceIsRefusedWithTheFieldsOfTheRequestNotThoseOfTheBackstageEntity()
    {
        await using var platform = await StartAsync();
        var name = Unique("fields");
        var request = Service("team-a") with { Tags = ["payments", "Not A Tag"], ProvidesApis = ["orders api"], ConsumesApis = ["api:default/ok", "a:b:c"] };

        using var response = await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", request, Json.ServiceUpsertRequest, Ct);
        var problem = await ProblemAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["consumesApis[1]", "providesApis[0]", "tags[1]"], problem.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("'Not A Tag' is not a valid tag", problem.Errors["tags[1]"][0], StringComparison.Ordinal);
        Assert.Contains("'orders api' is not a valid entity reference", problem.Errors["providesApis[0]"][0], StringComparison.Ordinal);
        Assert.Contains("tags[1]: 'Not A Tag' is not a valid tag", problem.Detail, StringComparison.Ordinal);
        Assert.False(await platform.QueryAsync(db => db.Services.AnyAsync(s => s.Name == name, Ct)));
    }

    [Fact]
    public async Task InvalidNamesOversizedBodiesAndOtherMediaTypesAreRefused()
    {
        await using var platform = await StartAsync(new() { ["GoldenPath:Platform:MaxRequestBodyBytes"] = "4096" });

        using var badName = await platform.Admin.PutAsJsonAsync("/api/v1/services/Orders_API", Service("team-a"), Json.ServiceUpsertRequest, Ct);
        using var oversized = await platform.Admin.PutAsJsonAsync($"/api/v1/services/{Unique("big")}", Service("team-a") with { Description = new string('x', 10_000) }, Json.ServiceUpsertRequest, Ct);
        using var text = await platform.Admin.PutAsync($"/api/v1/services/{Unique("text")}", new StringContent("owner=team-a", Encoding.UTF8, "text/plain"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        Assert.Contains("'Orders_API' is not a lowercase RFC 1123 label", (await ProblemAsync(badName)).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.False(await platform.QueryAsync(db => db.Services.AnyAsync(s => s.Name.StartsWith("big-") || s.Name.StartsWith("text-"), Ct)));
    }

    [Fact]
    public async Task SqlInjectionInEveryTextFieldIsStoredAsTextOrRefusedAndTheStoreIsIntact()
    {
        await using var platform = await StartAsync();
        const string injection = "x'); DROP TABLE services; --";
        var name = Unique("inject");
        var before = await platform.QueryAsync(db => db.Services.CountAsync(Ct));

        using var description = await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a") with { Description = injection }, Json.ServiceUpsertRequest, Ct);
        using var owner = await platform.Admin.PutAsJsonAsync($"/api/v1/services/{Unique("inject")}", Service(injection), Json.ServiceUpsertRequest, Ct);
        using var inName = await platform.Admin.PutAsJsonAsync($"/api/v1/services/{Uri.EscapeDataString(injection)}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
        var service = platform.Client(await platform.TokenAsync("team-a", "instances:write"));
        using var instance = await service.PutAsJsonAsync($"/api/v1/services/{name}/instances/{Uri.EscapeDataString(injection)}", Registration(), Json.InstanceRegistration, Ct);
        using var version = await service.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", Registration() with { Version = injection, Commit = injection }, Json.InstanceRegistration, Ct);
        using var query = await platform.Admin.GetAsync($"/api/v1/services?owner={Uri.EscapeDataString(injection)}", Ct);

        Assert.Equal(HttpStatusCode.Created, description.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, owner.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, inName.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, instance.StatusCode);
        Assert.Equal(HttpStatusCode.Created, version.StatusCode);
        Assert.Equal("[]", await query.Content.ReadAsStringAsync(Ct));
        Assert.Equal(before + 1, await platform.QueryAsync(db => db.Services.CountAsync(Ct)));
        Assert.Equal(injection, (await platform.QueryAsync(db => db.Services.SingleAsync(s => s.Name == name, Ct))).Description);
        Assert.Equal(injection, (await platform.QueryAsync(db => db.Instances.SingleAsync(i => i.ServiceName == name, Ct))).Version);
    }

    [Fact]
    public async Task InstancesRegisterHeartbeatExpireAfterTheirTtlAndDeregister()
    {
        await using var platform = await StartAsync();
        var name = Unique("live");
        var client = platform.Client(await platform.TokenAsync("team-a", "catalog:write"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", Registration(), Json.InstanceRegistration, Ct)).StatusCode);
        await client.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct);

        Assert.Equal(HttpStatusCode.Created, (await client.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", Registration(), Json.InstanceRegistration, Ct)).StatusCode);
        platform.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", Registration() with { Status = "Degraded" }, Json.InstanceRegistration, Ct)).StatusCode);
        await client.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-2", Registration(), Json.InstanceRegistration, Ct);

        var live = (await client.GetFromJsonAsync($"/api/v1/services/{name}", Json.ServiceDescription, Ct))!.Instances;
        Assert.Equal(["i-1", "i-2"], live.Select(i => i.InstanceId));
        Assert.Equal("Degraded", live[0].Status);
        Assert.Equal(Now + TimeSpan.FromSeconds(30), live[0].LastHeartbeatAt);
        Assert.Equal(Now + TimeSpan.FromSeconds(120), live[0].ExpiresAt);
        Assert.Equal(Now, live[0].RegisteredAt); // a heartbeat of a live instance keeps its registration time

        platform.Time.Advance(TimeSpan.FromSeconds(91));
        Assert.Empty((await client.GetFromJsonAsync($"/api/v1/services/{name}", Json.ServiceDescription, Ct))!.Instances);

        // The heartbeat of an expired instance registers it again; the answer is the row as stored.
        using var back = await client.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", Registration() with { Version = "1.2.4", Commit = "abc1234" }, Json.InstanceRegistration, Ct);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        var answered = (await back.Content.ReadFromJsonAsync(Json.ServiceInstance, Ct))!;
        var stored = Assert.Single((await client.GetFromJsonAsync($"/api/v1/services/{name}", Json.ServiceDescription, Ct))!.Instances);
        Assert.Equal(Now + TimeSpan.FromSeconds(121), stored.RegisteredAt);
        Assert.Equal(("1.2.4", "abc1234", "Healthy"), (stored.Version, stored.Commit, stored.Status));
        Assert.Equal(JsonSerializer.Serialize(stored, Json.ServiceInstance), JsonSerializer.Serialize(answered, Json.ServiceInstance));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/services/{name}/instances/i-1", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/v1/services/{name}/instances/i-1", Ct)).StatusCode);
    }

    [Fact]
    public async Task TheCatalogIsReadAPageAtATimeFollowingItsNextLinks()
    {
        await using var platform = await StartAsync();
        var owner = Unique("team-pages");
        var names = Enumerable.Range(0, 5).Select(i => $"{owner}-svc-{i}").ToList();
        foreach (var name in names.AsEnumerable().Reverse())
        {
            await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", Service(owner), Json.ServiceUpsertRequest, Ct);
        }

        var read = new List<string>();
        var pages = 0;
        for (var next = $"/api/v1/services?owner={owner}&limit=2"; next is not null; pages++)
        {
            using var response = await platform.Admin.GetAsync(next, Ct);
            response.EnsureSuccessStatusCode();
            read.AddRange((await response.Content.ReadFromJsonAsync(Json.IReadOnlyListServiceDescription, Ct))!.Select(s => s.Name));
            next = response.Headers.TryGetValues("Link", out var links)
                ? System.Text.RegularExpressions.Regex.Match(links.Single(), "^<([^>]+)>; rel=\"next\"$").Groups[1].Value
                : null;
            Assert.True(pages < 5, "The next links do not end.");
        }

        Assert.Equal(names, read);
        Assert.Equal(3, pages);
        Assert.Equal(names.Skip(3), (await platform.Admin.GetFromJsonAsync($"/api/v1/services?owner={owner}&after={names[2]}", Json.IReadOnlyListServiceDescription, Ct))!.Select(s => s.Name));
        var everything = await new GoldenPath.Catalog.Client.PlatformClient(platform.Admin).ListServicesAsync(Ct);
        Assert.Equal(names, everything.Where(s => s.Owner == owner).Select(s => s.Name));
    }

    [Fact]
    public async Task ARevokedTokenAndAChangedOwnerTakeEffectAtOnceThoughTheyWereJustUsed()
    {
        await using var platform = await StartAsync();
        var name = Unique("handover");
        var teamA = platform.Client(await platform.TokenAsync("team-a", "catalog:write"));
        var teamB = platform.Client(await platform.TokenAsync("team-b", "catalog:write"));
        Assert.Equal(HttpStatusCode.Created, (await teamA.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await teamA.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", Registration(), Json.InstanceRegistration, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await teamB.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", Registration(), Json.InstanceRegistration, Ct)).StatusCode);

        // The service moves to team B: B's heartbeats are taken, A's are refused, with no wait for a cache to expire.
        Assert.Equal(HttpStatusCode.OK, (await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-b"), Json.ServiceUpsertRequest, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await teamB.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", Registration(), Json.InstanceRegistration, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await teamA.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", Registration(), Json.InstanceRegistration, Ct)).StatusCode);

        var secret = teamB.DefaultRequestHeaders.Authorization!.Parameter!;
        Assert.Equal(HttpStatusCode.NoContent, (await platform.Admin.DeleteAsync($"/api/v1/tokens/{await TokenIdAsync(platform, secret)}", Ct)).StatusCode);
        using var refused = await teamB.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", Registration(), Json.InstanceRegistration, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("was revoked at", await refused.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task HundredsOfParallelRegistrationsAndHeartbeatsLoseNothingAndMakeNoDuplicates()
    {
        await using var platform = await StartAsync();
        var names = Enumerable.Range(0, 4).Select(_ => Unique("busy")).ToList();
        var client = platform.Admin;
        var service = platform.Client(await platform.TokenAsync("team-a", "instances:write"));
        foreach (var name in names)
        {
            await client.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
        }

        // Half the calls are heartbeats of one shared instance per service, half register new instances.
        var keys = Enumerable.Range(0, 400).Select(i => (Service: names[i % names.Count], Instance: i % 2 == 0 ? "shared" : $"i-{i}")).ToList();
        var calls = keys.Select((key, i) =>
            service.PutAsJsonAsync($"/api/v1/services/{key.Service}/instances/{key.Instance}", Registration() with { Version = $"1.0.{i}" }, Json.InstanceRegistration, Ct));
        var serviceUpserts = Enumerable.Range(0, 100).Select(i =>
            client.PutAsJsonAsync($"/api/v1/services/{names[i % names.Count]}", Service("team-a") with { Description = $"v{i}" }, Json.ServiceUpsertRequest, Ct));
        var responses = await Task.WhenAll(calls.Concat(serviceUpserts));

        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}: {r.Content.ReadAsStringAsync(Ct).Result}"));
        var stored = await platform.QueryAsync(db => db.Instances.Where(i => names.Contains(i.ServiceName)).ToListAsync(Ct));
        Assert.Equal(keys.Distinct().Count(), stored.Count);
        Assert.Equal(keys.Distinct().OrderBy(k => k.Service).ThenBy(k => k.Instance), stored.Select(i => (i.ServiceName, i.InstanceId)).OrderBy(k => k.ServiceName).ThenBy(k => k.InstanceId));
        Assert.Equal(stored.Count, stored.Select(i => (i.ServiceName, i.InstanceId)).Distinct().Count());
        Assert.Equal(names.Count, await platform.QueryAsync(db => db.Services.CountAsync(s => names.Contains(s.Name), Ct)));
    }

    [Fact]
    public async Task DeploymentsAreIdempotentByIdAndConflictsAreRefused()
    {
        await using var platform = await StartAsync();
        var name = Unique("deployed");
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
        var ci = platform.Client(await platform.TokenAsync("team-a", "deployments:write"));
        var deployment = Deployment(name, $"{name}-1", Now.AddHours(-2), "success");

        using var first = await ci.PostAsJsonAsync("/api/v1/deployments", deployment, Json.DeploymentEvent, Ct);
        using var again = await ci.PostAsJsonAsync("/api/v1/deployments", deployment with { FinishedAt = deployment.FinishedAt.ToOffset(TimeSpan.FromHours(2)) }, Json.DeploymentEvent, Ct);
        using var conflict = await ci.PostAsJsonAsync("/api/v1/deployments", deployment with { Outcome = "failure" }, Json.DeploymentEvent, Ct);
        using var foreign = await platform.Client(await platform.TokenAsync("team-b", "deployments:write")).PostAsJsonAsync("/api/v1/deployments", deployment with { DeploymentId = $"{name}-2" }, Json.DeploymentEvent, Ct);
        using var unknown = await ci.PostAsJsonAsync("/api/v1/deployments", deployment with { DeploymentId = $"{name}-3", Service = Unique("ghost") }, Json.DeploymentEvent, Ct);
        using var future = await ci.PostAsJsonAsync("/api/v1/deployments", deployment with { DeploymentId = $"{name}-4", FinishedAt = Now.AddDays(1) }, Json.DeploymentEvent, Ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        Assert.Contains("is in the future", (await ProblemAsync(future)).Detail, StringComparison.Ordinal);
        var stored = Assert.Single(await platform.QueryAsync(db => db.Deployments.Where(d => d.Service == name).ToListAsync(Ct)));
        Assert.Equal("success", stored.Outcome);
    }

    [Fact]
    public async Task DoraMetricsMatchAHandComputedHistory()
    {
        await using var platform = await StartAsync();
        var name = Unique("dora");
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-dora"), Json.ServiceUpsertRequest, Ct);
        var ci = platform.Admin;
        DateTimeOffset At(int day, double hour) => new DateTimeOffset(2026, 3, day, 0, 0, 0, TimeSpan.Zero).AddHours(hour);

        // The history, window 2026-03-01 .. 2026-03-31 (30 days), environment production:
        //   d1 success  03-02 12:00  commits 03-02 06:00 (6 h) and 03-01 12:00 (24 h)
        //   d2 failure  03-05 12:00  commit  03-05 10:00 (failed: outcome)
        //   d3 rollback 03-05 14:00  remediates d2, no commits         -> d2 recovered after 2 h
        //   d4 success  03-10 12:00  commit  03-09 12:00 (24 h); incident 13:00-16:00 names it (failed; recovery 3 h)
        //   d5 hotfix   03-10 15:30  remediates d4, commit 03-10 15:00 (0.5 h)
        //   d6 success  03-20 12:00  commit  03-18 12:00 (48 h)
        //   outside: 02-20 (before the window) and a staging deployment; both ignored.
        // Deployment frequency: 5 successful / 30 days = 0.1667 per day -> high (>= weekly, < daily).
        // Lead time: successful deployments' commit times [6, 24, 24, 0.5, 48] -> median 24 h -> high (not under a day).
        // Change failure rate: d2 and d4 failed, 2 of 6 = 0.3333 -> low (nearest cluster 40%).
        // Recovery time: [2, 3] -> median 2.5 h -> high (under a day).
        // Rework rate: d3 and d5, 2 of 6 = 0.3333, no band.
        var events = new[]
        {
            Deployment(name, $"{name}-d1", At(2, 12), "success", [new("a1", At(2, 6)), new("a2", At(1, 12))]),
            Deployment(name, $"{name}-d2", At(5, 12), "failure", [new("b1", At(5, 10))]),
            Deployment(name, $"{name}-d3", At(5, 14), "success", [], "rollback", $"{name}-d2"),
            Deployment(name, $"{name}-d4", At(10, 12), "success", [new("c1", At(9, 12))]),
            Deployment(name, $"{name}-d5", At(10, 15.5), "success", [new("c2", At(10, 15))], "hotfix", $"{name}-d4"),
            Deployment(name, $"{name}-d6", At(20, 12), "success", [new("d1", At(18, 12))]),
            Deployment(name, $"{name}-old", new DateTimeOffset(2026, 2, 20, 12, 0, 0, TimeSpan.Zero), "failure", [new("z", new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero))]),
            Deployment(name, $"{name}-staging", At(21, 12), "failure", []) with { Environment = "staging" },
        };
        foreach (var deployment in events)
        {
            (await ci.PostAsJsonAsync("/api/v1/deployments", deployment, Json.DeploymentEvent, Ct)).EnsureSuccessStatusCode();
        }

        using var incident = await ci.PostAsJsonAsync("/api/v1/incidents", new IncidentRequest(name, "prod", "Checkout errors", At(10, 13), DeploymentId: $"{name}-d4"), Json.IncidentRequest, Ct);
        var incidentId = (await incident.Content.ReadFromJsonAsync(Json.IncidentRecord, Ct))!.IncidentId;
        (await ci.PatchAsJsonAsync($"/api/v1/incidents/{incidentId}", new IncidentPatch(ResolvedAt: At(10, 16)), Json.IncidentPatch, Ct)).EnsureSuccessStatusCode();

        var report = (await ci.GetFromJsonAsync($"/api/v1/dora?service={name}&environment=prod&days=30", Json.DoraReport, Ct))!;

        Assert.Equal(6, report.Deployments);
        Assert.Equal(2024, report.BandsReportYear);
        Assert.Equal((0.1667, "high", 5), (report.DeploymentFrequency.Value, report.DeploymentFrequency.Band, report.DeploymentFrequency.SampleSize));
        Assert.Equal((24.0, "high", 5), (report.LeadTimeForChanges.Value, report.LeadTimeForChanges.Band, report.LeadTimeForChanges.SampleSize));
        Assert.Equal((0.3333, "low"), (report.ChangeFailureRate.Value, report.ChangeFailureRate.Band));
        Assert.Equal((2.5, "high", 2), (report.FailedDeploymentRecoveryTime.Value, report.FailedDeploymentRecoveryTime.Band, report.FailedDeploymentRecoveryTime.SampleSize));
        Assert.Equal(0.3333, report.DeploymentReworkRate.Value);
        Assert.Null(report.DeploymentReworkRate.Band);

        var team = (await ci.GetFromJsonAsync("/api/v1/dora?team=team-dora&days=30", Json.DoraReport, Ct))!;
        Assert.Equal(6, team.Deployments);
        var empty = (await ci.GetFromJsonAsync($"/api/v1/dora?service={name}&environment=dev", Json.DoraReport, Ct))!;
        Assert.Null(empty.DeploymentFrequency.Value);
        Assert.StartsWith("Not enough data", empty.DeploymentFrequency.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheScorecardChecksTheGoldenPathAndSaysWhy()
    {
        await using var platform = await StartAsync();
        var name = Unique("scored");
        var admin = platform.Admin;
        await admin.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct);

        var bare = (await admin.GetFromJsonAsync($"/api/v1/scorecards/{name}", Json.Scorecard, Ct))!;
        Assert.Equal(["live-instance", "ready", "telemetry-configured", "deployed-recently", "manifests-passed-policy", "sdk-supported", "slos-declared"], bare.Checks.Where(c => !c.Passed).Select(c => c.Id));
        Assert.Contains("set GoldenPath:Platform:PrometheusUrl", bare.Checks.Single(c => c.Id == "slos-declared").Reason, StringComparison.Ordinal);
        Assert.Contains("Is GoldenPath:Platform:Url set", bare.Checks.Single(c => c.Id == "live-instance").Reason, StringComparison.Ordinal);

        await platform.Client(await platform.TokenAsync("team-a", "instances:write")).PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", Registration() with { TelemetryConfigured = true }, Json.InstanceRegistration, Ct);
        await admin.PostAsJsonAsync("/api/v1/deployments", Deployment(name, $"{name}-1", Now.AddDays(-1), "success") with { Manifests = GoldenPathManifests.For(name) }, Json.DeploymentEvent, Ct);

        var full = (await admin.GetFromJsonAsync($"/api/v1/scorecards/{name}", Json.Scorecard, Ct))!;
        // Every check but slos-declared, which needs a Prometheus (SloBudgetTests).
        Assert.Equal((91, 10, 11), (full.Score, full.Passed, full.Total));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/scorecards/{Unique("none")}", Ct)).StatusCode);
    }

    [Fact]
    public async Task ATeamGetsItsEnvironmentAsKubernetesManifests()
    {
        await using var platform = await StartAsync();
        var team = Unique("team");
        var client = platform.Client(await platform.TokenAsync(team, "catalog:write"));

        using var created = await client.PostAsJsonAsync("/api/v1/environments", new EnvironmentRequest(team, "staging", "4", "8Gi", CostCenter: "cc-42"), Json.EnvironmentRequest, Ct);
        using var foreign = await client.PostAsJsonAsync("/api/v1/environments", new EnvironmentRequest("team-other", "staging", "4", "8Gi"), Json.EnvironmentRequest, Ct);
        using var invalid = await client.PostAsJsonAsync("/api/v1/environments", new EnvironmentRequest(team, "staging", "lots", "8Gi"), Json.EnvironmentRequest, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var environment = (await created.Content.ReadFromJsonAsync(Json.EnvironmentRecord, Ct))!;
        Assert.Equal($"{team}-staging", environment.Namespace);
        Assert.Equal(["Namespace", "ResourceQuota", "LimitRange", "Role", "RoleBinding", "NetworkPolicy", "NetworkPolicy"], environment.Kinds);
        Assert.Equal(7, k8s.KubernetesYaml.LoadAllFromString(environment.Manifests, strict: true).Count);
        Assert.Contains("goldenpath.dev/cost-center: cc-42", environment.Manifests, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("cpu", (await ProblemAsync(invalid)).Errors!.Keys);
    }

    [Fact]
    public async Task TheBackstageFeedHasTheComponentWithItsSystemGroupResourcesAndApis()
    {
        await using var platform = await StartAsync();
        var name = Unique("fed");
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-feed") with
        {
            ApiDefinitions = [new ApiDefinition($"{name}-api", "openapi", "openapi: 3.0.0\ninfo:\n  title: Fed\n  version: '1'\npaths: {}\n")],
        }, Json.ServiceUpsertRequest, Ct);

        var feed = JsonDocument.Parse(await platform.Admin.GetStringAsync("/api/v1/entities?limit=500", Ct)).RootElement.EnumerateArray()
            .Select(e => (Kind: e.GetProperty("kind").GetString(), Name: e.GetProperty("metadata").GetProperty("name").GetString(), Entity: e)).ToList();
        var yaml = await platform.Admin.GetStringAsync($"/api/v1/services/{name}/catalog-info.yaml", Ct);

        Assert.Contains(feed, e => e is { Kind: "Component" } && e.Name == name);
        Assert.Contains(feed, e => e is { Kind: "Resource" } && e.Name == $"{name}.orders-db");
        Assert.Contains(feed, e => e is { Kind: "API" } && e.Name == $"{name}.{name}-api");
        Assert.Contains(feed, e => e is { Kind: "System", Name: "payments" });
        Assert.Contains(feed, e => e is { Kind: "Group", Name: "team-feed" });
        var component = Assert.IsType<ComponentEntity>(Assert.Single(CatalogInfoReader.Read(yaml)));
        Assert.Equal(name, component.Metadata.Annotations["backstage.io/kubernetes-id"]);
        Assert.Equal([$"resource:{name}.orders-db"], component.Spec.DependsOn);
        Assert.Equal([$"api:{name}.{name}-api"], component.Spec.ProvidesApis);
    }

    [Fact]
    public async Task WritesAreRateLimitedPerTokenWithAProblem()
    {
        await using var platform = await StartAsync(new() { ["GoldenPath:Platform:WritesPerSecond"] = "1", ["GoldenPath:Platform:WriteBurst"] = "3" });
        var client = platform.Client(await platform.TokenAsync("team-a", "catalog:write"));
        var name = Unique("limited");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 5; i++)
        {
            last = await client.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
            statuses.Add(last.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        Assert.Contains("writes per second", (await ProblemAsync(last)).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/services", Ct)).StatusCode);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheApi()
    {
        await using var platform = await StartAsync();

        var document = JsonDocument.Parse(await platform.Anonymous.GetStringAsync("/openapi/v1.json", Ct)).RootElement;

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/services/{name}", paths);
        Assert.Contains("/api/v1/deployments", paths);
        Assert.Contains("/api/v1/dora", paths);
    }

    [Fact]
    public async Task EverythingWrittenIsThereAfterARestart()
    {
        var name = Unique("durable");
        await using (var first = await StartAsync())
        {
            await first.Admin.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
            await first.Admin.PostAsJsonAsync("/api/v1/deployments", Deployment(name, $"{name}-1", Now.AddHours(-1), "success"), Json.DeploymentEvent, Ct);
        }

        await RestartStoreAsync();
        await using var second = await StartAsync();

        Assert.Equal("team-a", (await second.Admin.GetFromJsonAsync($"/api/v1/services/{name}", Json.ServiceDescription, Ct))!.Owner);
        Assert.Single((await second.Admin.GetFromJsonAsync($"/api/v1/deployments?service={name}", Json.IReadOnlyListDeploymentRecord, Ct))!);
    }

    /// <summary>Restarts the database server, where there is one.</summary>
    protected virtual Task RestartStoreAsync() => Task.CompletedTask;

    private protected async Task<PlatformApp> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var handle = await store.StartAsync(new FakeTimeProvider(Now), settings);
        return handle.App;
    }

    protected static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    protected static ServiceUpsertRequest Service(string owner) =>
        new(owner, "production", "payments", DependsOn: [new ServiceDependency("orders-db", "postgres")]);

    protected static InstanceRegistration Registration() =>
        new("1.2.3", "production", "0.1.0", ["http://10.0.0.7:8080"], new InstanceHealthUrls("http://10.0.0.7:8080/health/live", "http://10.0.0.7:8080/health/ready", null), [], Status: "Healthy");

    protected static DeploymentEvent Deployment(string service, string id, DateTimeOffset finished, string outcome, DeployedCommit[]? commits = null, string? type = null, string? remediates = null) =>
        new(id, service, "prod", "1.0.0", "abc123", finished.AddMinutes(-5), finished, outcome, commits ?? [new DeployedCommit("abc123", finished.AddHours(-3))], type, remediates);

    private static async Task<PlatformProblem> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync(Json.PlatformProblem, Ct))!;
    }

    private static async Task<string> TokenExpiringAsync(PlatformApp platform)
    {
        using var response = await platform.Admin.PostAsJsonAsync("/api/v1/tokens", new TokenRequest("team-a", ["catalog:write"], "short", Now.AddMinutes(1)), Json.TokenRequest, Ct);
        var token = (await response.Content.ReadFromJsonAsync(Json.TokenCreated, Ct))!.Token;
        platform.Time.Advance(TimeSpan.FromMinutes(2));
        return token;
    }

    private static async Task<string> TokenIdAsync(PlatformApp platform, string secret) =>
        await platform.QueryAsync(db => db.Tokens.Where(t => t.Hash == Auth.TokenHasher.Hash(secret)).Select(t => t.Id).SingleAsync(Ct));
}

public sealed class SqlitePlatformApiTests(SqliteStore store) : PlatformApiTests(store), IClassFixture<SqliteStore>;

public sealed class PostgresPlatformApiTests(PostgresStore store) : PlatformApiTests(store), IClassFixture<PostgresStore>
{
    protected override async Task RestartStoreAsync()
    {
        var container = await store.GetContainerAsync();
        await container.StopAsync(Ct);
        await container.StartAsync(Ct);
    }
}
