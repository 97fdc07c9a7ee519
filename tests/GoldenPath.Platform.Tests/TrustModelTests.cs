using System.Net;
using System.Net.Http.Json;
using GoldenPath.Catalog;
using GoldenPath.Catalog.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>What a service's own token can and cannot do, and how the admin token is guarded; on SQLite and on PostgreSQL.</summary>
public abstract class TrustModelTests(IPlatformStore store)
{
    private static readonly PlatformJsonContext Json = PlatformJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AServiceTokenRegistersItsTeamsServiceAndItsInstancesAndNothingElse()
    {
        await using var platform = await StartAsync();
        var name = Unique("orders");
        var foreign = Unique("billing");
        var teamB = platform.Client(await platform.TokenAsync("team-b", "instances:write"));
        Assert.Equal(HttpStatusCode.Created, (await teamB.PutAsJsonAsync($"/api/v1/services/{foreign}/instances/b-1", Registration("team-b"), Json.InstanceRegistration, Ct)).StatusCode);
        var service = platform.Client(await platform.TokenAsync("team-a", "instances:write"));

        using var registered = await service.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", Registration("team-a"), Json.InstanceRegistration, Ct);
        using var heartbeat = await service.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", Registration("team-a"), Json.InstanceRegistration, Ct);
        using var token = await service.PostAsJsonAsync("/api/v1/tokens", new TokenRequest("team-a", ["admin"], "escalate"), Json.TokenRequest, Ct);
        using var rewrite = await service.PutAsJsonAsync($"/api/v1/services/{name}", new ServiceUpsertRequest("team-a", "production", Tags: ["owned"]), Json.ServiceUpsertRequest, Ct);
        using var takeOver = await service.PutAsJsonAsync($"/api/v1/services/{foreign}", new ServiceUpsertRequest("team-a", "production"), Json.ServiceUpsertRequest, Ct);
        using var foreignInstance = await service.PutAsJsonAsync($"/api/v1/services/{foreign}/instances/a-1", Registration("team-a"), Json.InstanceRegistration, Ct);
        using var foreignDeregistration = await service.DeleteAsync($"/api/v1/services/{foreign}/instances/b-1", Ct);
        using var claimForOther = await service.PutAsJsonAsync($"/api/v1/services/{Unique("claimed")}/instances/i-1", Registration("team-b"), Json.InstanceRegistration, Ct);
        using var deployment = await service.PostAsJsonAsync("/api/v1/deployments",
            new DeploymentEvent($"{name}-1", name, "production", "1.0.0", "abc", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(1), "success"), Json.DeploymentEvent, Ct);
        using var read = await service.GetAsync("/api/v1/services", Ct);
        using var deregistered = await service.DeleteAsync($"/api/v1/services/{name}/instances/i-1", Ct);

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, heartbeat.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deregistered.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, token.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, rewrite.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, takeOver.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreignInstance.StatusCode);
        Assert.Contains($"Service '{foreign}' is owned by team 'team-b'", (await ProblemAsync(foreignInstance)).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, foreignDeregistration.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, claimForOther.StatusCode);
        Assert.Contains("may only create services of its own team", (await ProblemAsync(claimForOther)).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, deployment.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);

        var stored = await platform.QueryAsync(db => db.Services.AsNoTracking().SingleAsync(s => s.Name == name, Ct));
        Assert.Equal(("team-a", "payments", "production", "service"), (stored.Owner, stored.System, stored.Lifecycle, stored.Type));
        Assert.Empty(stored.Tags);
        Assert.Equal("team-b", (await platform.QueryAsync(db => db.Services.AsNoTracking().SingleAsync(s => s.Name == foreign, Ct))).Owner);
        Assert.Equal(["b-1"], await platform.QueryAsync(db => db.Instances.Where(i => i.ServiceName == foreign).Select(i => i.InstanceId).ToListAsync(Ct)));
        Assert.Equal(2, await platform.QueryAsync(db => db.Services.CountAsync(s => s.Name == name || s.Name == foreign, Ct)));
    }

    [Fact]
    public async Task ParallelFirstRegistrationsCreateTheServiceOnceAndOfTwoTeamsRacingForANameOneWins()
    {
        await using var platform = await StartAsync();
        var name = Unique("fleet");
        var teamA = platform.Client(await platform.TokenAsync("team-a", "instances:write"));
        var teamB = platform.Client(await platform.TokenAsync("team-b", "instances:write"));

        var pods = Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? teamA : teamB, Owner: i % 2 == 0 ? "team-a" : "team-b", Instance: $"pod-{i}")).ToList();
        var responses = await Task.WhenAll(pods.Select(p => p.Item1.PutAsJsonAsync($"/api/v1/services/{name}/instances/{p.Instance}", Registration(p.Owner), Json.InstanceRegistration, Ct)));

        var owner = (await platform.QueryAsync(db => db.Services.AsNoTracking().SingleAsync(s => s.Name == name, Ct))).Owner;
        var statuses = pods.Zip(responses, (pod, response) => (pod.Owner, response.StatusCode)).ToList();
        Assert.All(statuses, s => Assert.Equal(s.Owner == owner ? HttpStatusCode.Created : HttpStatusCode.Forbidden, s.StatusCode));
        var instances = await platform.QueryAsync(db => db.Instances.Where(i => i.ServiceName == name).Select(i => i.InstanceId).ToListAsync(Ct));
        Assert.Equal(20, instances.Count);
        Assert.All(instances, id => Assert.Equal(owner == "team-a" ? 0 : 1, int.Parse(id["pod-".Length..], System.Globalization.CultureInfo.InvariantCulture) % 2));
    }

    [Fact]
    public async Task ARegistrationNeverChangesTheCatalogEntryTheTeamWrote()
    {
        await using var platform = await StartAsync();
        var name = Unique("orders");
        var team = platform.Client(await platform.TokenAsync("team-a", "catalog:write"));
        var entry = new ServiceUpsertRequest("team-a", "production", "payments", "website", "Written by the team.",
            Tags: ["checkout"], Links: [new EntityLink("https://runbooks.example.com/orders", "Runbook")], ProvidesApis: [$"{name}-api"], ConsumesApis: ["users-api"],
            ApiDefinitions: [new ApiDefinition($"{name}-api", "openapi", "openapi: 3.0.0\ninfo:\n  title: Orders\n  version: '1'\npaths: {}\n")]);
        (await team.PutAsJsonAsync($"/api/v1/services/{name}", entry, Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        var before = (await team.GetFromJsonAsync($"/api/v1/services/{name}", Json.ServiceDescription, Ct))!;

        foreach (var client in new[] { team, platform.Client(await platform.TokenAsync("team-a", "instances:write")) })
        {
            var registration = Registration("team-a") with { Service = new RegisteringService("team-a", "experimental", "other-system", "Stated by the build.") };
            (await client.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", registration, Json.InstanceRegistration, Ct)).EnsureSuccessStatusCode();
        }

        var after = (await team.GetFromJsonAsync($"/api/v1/services/{name}", Json.ServiceDescription, Ct))!;
        Assert.Equal(before with { Instances = [] }, after with { Instances = [] }, ServiceComparer.Instance);
        Assert.Single(after.Instances);
    }

    [Fact]
    public async Task TheAdminTokenIsNeverAcceptedOnAServicesRegistrationPath()
    {
        await using var platform = await StartAsync();
        var name = Unique("orders");
        (await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", new ServiceUpsertRequest("team-a", "production"), Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        var adminWithInstances = platform.Client(await platform.TokenAsync("team-a", "admin", "instances:write"));

        foreach (var admin in new[] { platform.Admin, adminWithInstances })
        {
            using var registered = await admin.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", Registration("team-a"), Json.InstanceRegistration, Ct);
            using var deregistered = await admin.DeleteAsync($"/api/v1/services/{name}/instances/i-1", Ct);

            Assert.Equal(HttpStatusCode.Forbidden, registered.StatusCode);
            Assert.Contains("has the admin scope, which this endpoint never accepts", (await ProblemAsync(registered)).Detail, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Forbidden, deregistered.StatusCode);
        }

        Assert.False(await platform.QueryAsync(db => db.Instances.AnyAsync(i => i.ServiceName == name, Ct)));
    }

    [Fact]
    public async Task AShortBootstrapTokenStopsThePlatformAtStartNamingTheSetting()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => store.StartAsync(new FakeTimeProvider(), new() { ["GoldenPath:Platform:BootstrapToken"] = "admin-admin-admin" }));

        Assert.Contains("GoldenPath:Platform:BootstrapToken is shorter than 32 characters", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GuessesFromAnAddressAreLimitedButNeverLockOutAValidTokenBehindTheSameAddress()
    {
        await using var platform = await StartAsync(new() { ["GoldenPath:Platform:FailedAuthenticationBurst"] = "3", ["GoldenPath:Platform:FailedAuthenticationsPerMinute"] = "6" });
        var valid = platform.Client(await platform.TokenAsync("team-a", "read"));

        var guesses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            guesses.Add((await platform.Client($"gpt_guess-{i}").GetAsync("/api/v1/services", Ct)).StatusCode);
        }

        using var limited = await platform.Client("gpt_guess-3").GetAsync("/api/v1/services", Ct);
        using var validMeanwhile = await valid.GetAsync("/api/v1/services", Ct);
        using var adminMeanwhile = await platform.Admin.GetAsync("/api/v1/services", Ct);
        using var limitedAgain = await platform.Client("gpt_guess-4").GetAsync("/api/v1/services", Ct);

        Assert.All(guesses, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Contains("Too many failed authentications", (await ProblemAsync(limited)).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, validMeanwhile.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminMeanwhile.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, limitedAgain.StatusCode);

        // Six failures a minute come back one at a time, every 10 s: Retry-After says exactly when the next one may be tried.
        var retryAfter = limitedAgain.Headers.RetryAfter?.Delta;
        Assert.Equal(TimeSpan.FromSeconds(10), retryAfter);
        platform.Time.Advance(retryAfter!.Value - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await platform.Client("gpt_guess-5").GetAsync("/api/v1/services", Ct)).StatusCode);
        platform.Time.Advance(retryAfter.Value);
        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.Client("gpt_guess-6").GetAsync("/api/v1/services", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await platform.Client("gpt_guess-7").GetAsync("/api/v1/services", Ct)).StatusCode);
    }

    [Fact]
    public async Task AForwardedForHeaderFromAPeerThatIsNoTrustedProxyIsIgnoredEvenWithAspNetCoresSwitchOn()
    {
        // What ASPNETCORE_FORWARDEDHEADERS_ENABLED=true sets (Aspire sets it on every project it publishes).
        await using var platform = await StartAsync(new() { ["ForwardedHeaders_Enabled"] = "true", ["GoldenPath:Platform:FailedAuthenticationBurst"] = "2" });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await GuessAsync(platform, $"198.51.100.{i + 1}");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task ClientsBehindATrustedProxyAreLimitedEachOnItsOwnAndAnIPv6ClientByItsNetwork()
    {
        await using var platform = await StartAsync(new()
        {
            ["GoldenPath:Platform:FailedAuthenticationBurst"] = "1",
            ["GoldenPath:Platform:TrustedProxies:0"] = "127.0.0.1",
            ["GoldenPath:Platform:TrustedProxies:1"] = "::1",
            ["GoldenPath:Platform:TrustedProxies:2"] = "10.0.0.0/8",
        });

        using var first = await GuessAsync(platform, "2001:db8:1:2::a");
        using var sameNetwork = await GuessAsync(platform, "2001:db8:1:2::b");
        using var otherNetwork = await GuessAsync(platform, "2001:db8:1:3::a");
        // Through a second trusted proxy (10.1.2.3); the left-most value is what the client itself claimed and is not believed.
        using var throughTwo = await GuessAsync(platform, "203.0.113.77, 198.51.100.7, 10.1.2.3");
        using var throughTwoAgain = await GuessAsync(platform, "203.0.113.78, 198.51.100.7, 10.1.2.3");

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, sameNetwork.StatusCode);
        Assert.Contains("from 2001:db8:1:2::/64", (await ProblemAsync(sameNetwork)).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, otherNetwork.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, throughTwo.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, throughTwoAgain.StatusCode);
        Assert.Contains("from 198.51.100.7:", (await ProblemAsync(throughTwoAgain)).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATrustedProxyThatIsNoAddressStopsThePlatformAtStartNamingIt()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => store.StartAsync(new FakeTimeProvider(), new() { ["GoldenPath:Platform:TrustedProxies:0"] = "10.0.0.0/33" }));

        Assert.Contains("GoldenPath:Platform:TrustedProxies: '10.0.0.0/33' is not a network", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServiceThatAppearsByRegistrationClaimsItsSystemSoThatAnotherTeamCannotTakeIt()
    {
        await using var platform = await StartAsync();
        var system = Unique("checkout");
        var services = platform.Client(await platform.TokenAsync("team-a", "instances:write"));
        var teamB = platform.Client(await platform.TokenAsync("team-b", "catalog:write"));
        var registration = Registration("team-a") with { Service = new RegisteringService("team-a", "production", system) };
        Assert.Equal(HttpStatusCode.Created, (await services.PutAsJsonAsync($"/api/v1/services/{Unique("cart")}/instances/i-1", registration, Json.InstanceRegistration, Ct)).StatusCode);
        var registered = await SystemOwnerAsync(platform, system);

        (await teamB.PutAsJsonAsync($"/api/v1/services/{Unique("dummy")}", new ServiceUpsertRequest("team-b", "production", system), Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();

        Assert.Equal("group:team-a", registered);
        Assert.Equal("group:team-a", await SystemOwnerAsync(platform, system));
    }

    [Fact]
    public async Task AnEnvironmentRequestThatKeepsLosingToOtherWritesIsAConflictThatSaysToRetryNotAServerError()
    {
        await using var platform = await StartAsync();
        var team = Unique("team-contended");
        // Every write of this team's environments fails as a concurrent writer's would: the store's key refuses it.
        var function = $"refuse_{team.Replace('-', '_')}";
        var postgres = $"""
            CREATE FUNCTION {function}() RETURNS trigger AS $$ BEGIN RAISE unique_violation USING MESSAGE = 'taken by a concurrent writer'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER {function} BEFORE INSERT OR UPDATE ON environments FOR EACH ROW WHEN (NEW."Team" = '{team}') EXECUTE FUNCTION {function}();
            """;
        // SQLite's RAISE cannot give a unique violation's code: the trigger makes a real one in a table of its own.
        var sqlite = $"""
            CREATE TABLE {function}_taken (key TEXT UNIQUE); INSERT INTO {function}_taken VALUES ('taken');
            CREATE TRIGGER {function} BEFORE INSERT ON environments WHEN NEW."Team" = '{team}' BEGIN INSERT INTO {function}_taken VALUES ('taken'); END;
            """;
        await platform.QueryAsync(db => db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql() ? postgres : sqlite, Ct));
        var client = platform.Client(await platform.TokenAsync(team, "catalog:write"));

        using var response = await client.PostAsJsonAsync("/api/v1/environments", new EnvironmentRequest(team, "dev", "2", "4Gi"), Json.EnvironmentRequest, Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var detail = (await ProblemAsync(response)).Detail;
        Assert.Contains("was changed by other requests while this one was writing it", detail, StringComparison.Ordinal);
        Assert.Contains("Send the request again", detail, StringComparison.Ordinal);
    }

    private async Task<PlatformApp> StartAsync(Dictionary<string, string?>? settings = null) =>
        (await store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), settings)).App;

    /// <summary>A guess at a token, sent as a proxy would send it on behalf of <paramref name="forwardedFor"/>.</summary>
    private static Task<HttpResponseMessage> GuessAsync(PlatformApp platform, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/services");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", $"gpt_guess-{Guid.NewGuid():N}");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return platform.Anonymous.SendAsync(request, Ct);
    }

    /// <summary>The owner the Backstage feed gives the System, or null when the feed has no such System.</summary>
    private static async Task<string?> SystemOwnerAsync(PlatformApp platform, string system)
    {
        using var feed = System.Text.Json.JsonDocument.Parse(await platform.Admin.GetStringAsync("/api/v1/entities?limit=500", Ct));
        return feed.RootElement.EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == "System" && e.GetProperty("metadata").GetProperty("name").GetString() == system)
            .Select(e => e.GetProperty("spec").GetProperty("owner").GetString())
            .SingleOrDefault();
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static InstanceRegistration Registration(string owner) =>
        new("1.2.3", "production", "0.1.0", ["http://10.0.0.7:8080"], new InstanceHealthUrls(null, null, null), [], Status: "Healthy",
            Service: new RegisteringService(owner, "production", "payments"));

    private static async Task<PlatformProblem> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync(Json.PlatformProblem, Ct))!;
    }

    /// <summary>Compares catalog entries by their JSON (their lists are not equal by reference).</summary>
    private sealed class ServiceComparer : IEqualityComparer<ServiceDescription>
    {
        public static readonly ServiceComparer Instance = new();

        public bool Equals(ServiceDescription? x, ServiceDescription? y) =>
            System.Text.Json.JsonSerializer.Serialize(x, Json.ServiceDescription) == System.Text.Json.JsonSerializer.Serialize(y, Json.ServiceDescription);

        public int GetHashCode(ServiceDescription obj) => 0;
    }
}

public sealed class SqliteTrustModelTests(SqliteStore store) : TrustModelTests(store), IClassFixture<SqliteStore>;

public sealed class PostgresTrustModelTests(PostgresStore store) : TrustModelTests(store), IClassFixture<PostgresStore>;
