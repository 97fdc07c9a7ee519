using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using GoldenPath.Catalog.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// The stored scorecard results the catalog, team and adoption pages read levels from: every kind of write moves them at
/// once, time and heartbeats move them on the refresh period, an upgraded store is filled at once, and a team's writes to
/// its own services never touch another team's; each time the pages show the level the API answers. On SQLite and on
/// PostgreSQL.
/// </summary>
public abstract partial class ScorecardResultsTests(IPlatformStore store)
{
    private static readonly PlatformJsonContext Json = PlatformJsonContext.Default;
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One level per kind of write: the catalog entry (system), an instance (registration), a deployment.</summary>
    private static readonly Dictionary<string, string?> Levels = new()
    {
        ["GoldenPath:Platform:ScorecardLevels:0:Name"] = "Listed",
        ["GoldenPath:Platform:ScorecardLevels:0:Checks:0"] = "owner-set",
        ["GoldenPath:Platform:ScorecardLevels:0:Checks:1"] = "system-set",
        ["GoldenPath:Platform:ScorecardLevels:1:Name"] = "Running",
        ["GoldenPath:Platform:ScorecardLevels:1:Checks:0"] = "live-instance",
        ["GoldenPath:Platform:ScorecardLevels:1:Checks:1"] = "ready",
        ["GoldenPath:Platform:ScorecardLevels:2:Name"] = "Shipping",
        ["GoldenPath:Platform:ScorecardLevels:2:Checks:0"] = "deployed-recently",
    };

    [Fact]
    public async Task EveryKindOfWriteMovesTheStoredLevelAtOnce()
    {
        await using var handle = await store.StartAsync(new FakeTimeProvider(Now), Levels);
        var platform = handle.App;
        var (team, name) = Names();
        var writer = platform.Client(await platform.TokenAsync(team, "catalog:write", "deployments:write"));
        var instances = await platform.ServicesOfAsync(team);
        using var reader = await ReaderAsync(platform, team);

        await PutServiceAsync(writer, team, name, system: null);
        var unlisted = await LevelsAsync(platform, reader, team, name);
        await PutServiceAsync(writer, team, name, system: $"{team}-system");
        var listed = await LevelsAsync(platform, reader, team, name);
        (await instances.PutAsJsonAsync($"/api/v1/services/{name}/instances/pod-1", Registration("Healthy"), Json.InstanceRegistration, Ct)).EnsureSuccessStatusCode();
        var running = await LevelsAsync(platform, reader, team, name);
        (await writer.PostAsJsonAsync("/api/v1/deployments", Deployment(name, "d-1", Now), Json.DeploymentEvent, Ct)).EnsureSuccessStatusCode();
        var shipping = await LevelsAsync(platform, reader, team, name);
        Assert.Equal(HttpStatusCode.NoContent, (await instances.DeleteAsync($"/api/v1/services/{name}/instances/pod-1", Ct)).StatusCode);
        var stopped = await LevelsAsync(platform, reader, team, name);

        Assert.Equal(new Shown(null, null, null, null), unlisted);
        Assert.Equal(new Shown("Listed", "Listed", "Listed", "Listed"), listed);
        Assert.Equal(new Shown("Running", "Running", "Running", "Running"), running);
        Assert.Equal(new Shown("Shipping", "Shipping", "Shipping", "Shipping"), shipping);
        Assert.Equal(new Shown("Listed", "Listed", "Listed", "Listed"), stopped);
    }

    /// <summary>Levels that tell the time-dependent checks apart: the deployment window below the live, ready instance.</summary>
    private static readonly Dictionary<string, string?> TimeLevels = new()
    {
        ["GoldenPath:Platform:ScorecardLevels:0:Name"] = "Listed",
        ["GoldenPath:Platform:ScorecardLevels:0:Checks:0"] = "owner-set",
        ["GoldenPath:Platform:ScorecardLevels:0:Checks:1"] = "system-set",
        ["GoldenPath:Platform:ScorecardLevels:1:Name"] = "Shipping",
        ["GoldenPath:Platform:ScorecardLevels:1:Checks:0"] = "deployed-recently",
        ["GoldenPath:Platform:ScorecardLevels:2:Name"] = "Running",
        ["GoldenPath:Platform:ScorecardLevels:2:Checks:0"] = "live-instance",
        ["GoldenPath:Platform:ScorecardLevels:2:Checks:1"] = "ready",
    };

    [Fact]
    public async Task TimeAndHeartbeatsMoveTheStoredLevelOnTheRefreshPeriod()
    {
        await using var handle = await store.StartAsync(new FakeTimeProvider(Now), TimeLevels);
        var platform = handle.App;
        var (team, name) = Names();
        var writer = platform.Client(await platform.TokenAsync(team, "catalog:write", "deployments:write"));
        var instances = await platform.ServicesOfAsync(team);
        using var reader = await ReaderAsync(platform, team);
        await PutServiceAsync(writer, team, name, system: $"{team}-system");
        (await instances.PutAsJsonAsync($"/api/v1/services/{name}/instances/pod-1", Registration("Healthy"), Json.InstanceRegistration, Ct)).EnsureSuccessStatusCode();
        (await writer.PostAsJsonAsync("/api/v1/deployments", Deployment(name, "d-1", Now), Json.DeploymentEvent, Ct)).EnsureSuccessStatusCode();
        var deployed = await LevelsAsync(platform, reader, team, name);

        // A heartbeat of the live instance that reports it unhealthy, then healthy: each refresh stores what it says.
        (await instances.PutAsJsonAsync($"/api/v1/services/{name}/instances/pod-1", Registration("Unhealthy"), Json.InstanceRegistration, Ct)).EnsureSuccessStatusCode();
        var unhealthy = await AfterRefreshAsync(platform, reader, team, name, TimeSpan.FromMinutes(1), "Shipping");
        (await instances.PutAsJsonAsync($"/api/v1/services/{name}/instances/pod-1", Registration("Healthy"), Json.InstanceRegistration, Ct)).EnsureSuccessStatusCode();
        var healthy = await AfterRefreshAsync(platform, reader, team, name, TimeSpan.FromMinutes(1), "Running");
        // No heartbeat for longer than the instance TTL: the instance expires, and no write says so.
        var expired = await AfterRefreshAsync(platform, reader, team, name, TimeSpan.FromMinutes(2), "Shipping");
        // The deployment leaves the 30-day window (and the reader's 8-hour portal session ends: a new one reads).
        platform.Time.Advance(TimeSpan.FromDays(31));
        using var later = await ReaderAsync(platform, team);
        var stale = await WhenShownAsync(platform, later, team, name, "Listed");

        Assert.Equal(new Shown("Running", "Running", "Running", "Running"), deployed);
        Assert.Equal(new Shown("Shipping", "Shipping", "Shipping", "Shipping"), unhealthy);
        Assert.Equal(new Shown("Running", "Running", "Running", "Running"), healthy);
        Assert.Equal(new Shown("Shipping", "Shipping", "Shipping", "Shipping"), expired);
        Assert.Equal(new Shown("Listed", "Listed", "Listed", "Listed"), stale);
    }

    [Fact]
    public async Task AStoreWithoutStoredResultsShowsLevelsAtOnceAndStoresThem()
    {
        await using var handle = await store.StartAsync(new FakeTimeProvider(Now), Levels);
        var platform = handle.App;
        var (team, name) = Names();
        var writer = platform.Client(await platform.TokenAsync(team, "catalog:write", "deployments:write"));
        var instances = await platform.ServicesOfAsync(team);
        using var reader = await ReaderAsync(platform, team);
        await PutServiceAsync(writer, team, name, system: $"{team}-system");
        (await instances.PutAsJsonAsync($"/api/v1/services/{name}/instances/pod-1", Registration("Healthy"), Json.InstanceRegistration, Ct)).EnsureSuccessStatusCode();
        // As a store upgraded from a platform that stored no results: the rows are not there.
        await platform.QueryAsync(db => db.ScorecardResults.ExecuteDeleteAsync(Ct));

        var shown = await LevelsAsync(platform, reader, team, name);
        var stored = await platform.QueryAsync(db => db.ScorecardResults.AsNoTracking().SingleAsync(r => r.Service == name, Ct));
        var scorecard = (await platform.Admin.GetFromJsonAsync($"/api/v1/scorecards/{name}", Json.Scorecard, Ct))!;

        Assert.Equal(new Shown("Running", "Running", "Running", "Running"), shown);
        Assert.Equal(string.Join(",", scorecard.Checks.Where(c => c.Passed && c.Id != "slos-declared").Select(c => c.Id)), stored.PassedChecks);
        Assert.Contains("live-instance", stored.PassedChecks, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATeamsWritesToItsOwnServicesNeverMoveAnotherTeamsStoredLevel()
    {
        await using var handle = await store.StartAsync(new FakeTimeProvider(Now), Levels);
        var platform = handle.App;
        var (victimTeam, victim) = Names();
        var (hostileTeam, own) = Names();
        var victimWriter = platform.Client(await platform.TokenAsync(victimTeam, "catalog:write", "deployments:write"));
        (await (await platform.ServicesOfAsync(victimTeam)).PutAsJsonAsync($"/api/v1/services/{victim}/instances/pod-1", Registration("Healthy") with
        {
            Service = new RegisteringService(victimTeam, "production", $"{victimTeam}-system"),
        }, Json.InstanceRegistration, Ct)).EnsureSuccessStatusCode();
        (await victimWriter.PostAsJsonAsync("/api/v1/deployments", Deployment(victim, "d-1", Now), Json.DeploymentEvent, Ct)).EnsureSuccessStatusCode();
        using var reader = await ReaderAsync(platform, hostileTeam);
        var before = await platform.QueryAsync(db => db.ScorecardResults.AsNoTracking().SingleAsync(r => r.Service == victim, Ct));

        // The hostile team writes its own service in every way that names the victim: the same deployment id, a
        // dependency on it, the victim's system, an instance id and an incident that name the victim's deployment.
        var hostile = platform.Client(await platform.TokenAsync(hostileTeam, "catalog:write", "deployments:write", "incidents:write"));
        var hostileInstances = await platform.ServicesOfAsync(hostileTeam);
        (await hostile.PutAsJsonAsync($"/api/v1/services/{own}", new ServiceUpsertRequest(hostileTeam, "production", $"{hostileTeam}-system",
            DependsOn: [new ServiceDependency(victim, "service")]), Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        (await hostileInstances.PutAsJsonAsync($"/api/v1/services/{own}/instances/pod-1", Registration("Unhealthy"), Json.InstanceRegistration, Ct)).EnsureSuccessStatusCode();
        (await hostile.PostAsJsonAsync("/api/v1/deployments", Deployment(own, "d-1", Now) with { Outcome = "failure" }, Json.DeploymentEvent, Ct)).EnsureSuccessStatusCode();
        (await hostile.PostAsJsonAsync("/api/v1/incidents", new IncidentRequest(own, "prod", "Outage", Now, "inc-1", "sev1", "d-1"), Json.IncidentRequest, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await hostileInstances.DeleteAsync($"/api/v1/services/{own}/instances/pod-1", Ct)).StatusCode);
        // And tries the victim's own service, which its token may not write.
        var refused = new[]
        {
            await hostile.PutAsJsonAsync($"/api/v1/services/{victim}", new ServiceUpsertRequest(hostileTeam, "production"), Json.ServiceUpsertRequest, Ct),
            await hostileInstances.PutAsJsonAsync($"/api/v1/services/{victim}/instances/pod-1", Registration("Unhealthy"), Json.InstanceRegistration, Ct),
            await hostileInstances.DeleteAsync($"/api/v1/services/{victim}/instances/pod-1", Ct),
            await hostile.PostAsJsonAsync("/api/v1/deployments", Deployment(victim, "d-2", Now) with { Outcome = "failure" }, Json.DeploymentEvent, Ct),
        }.Select(r => r.StatusCode).ToList();
        var after = await platform.QueryAsync(db => db.ScorecardResults.AsNoTracking().SingleAsync(r => r.Service == victim, Ct));
        var shown = await LevelsAsync(platform, reader, victimTeam, victim);

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden], refused);
        Assert.Equal((before.PassedChecks, before.Generation, before.EvaluatedAt), (after.PassedChecks, after.Generation, after.EvaluatedAt));
        Assert.Equal(new Shown("Shipping", "Shipping", "Shipping", "Shipping"), shown);
    }

    /// <summary>A service's level as the API, the catalog page, the level filter and the team page show it (null: no level).</summary>
    private sealed record Shown(string? Api, string? Catalog, string? Filtered, string? Team);

    private static async Task<Shown> LevelsAsync(PlatformApp platform, PortalSession reader, string team, string name)
    {
        var api = (await platform.Admin.GetFromJsonAsync($"/api/v1/scorecards/{name}", Json.Scorecard, Ct))!.Level;
        var catalog = LevelOf(await reader.TextAsync($"/portal?search={name}"), name);
        string? filtered = null;
        foreach (var level in new[] { "Listed", "Running", "Shipping" })
        {
            if (LevelOf(await reader.TextAsync($"/portal?search={name}&level={level}"), name) is { } shown)
            {
                Assert.Null(filtered);
                filtered = shown;
            }
        }

        return new Shown(api, catalog, filtered, LevelOf(await reader.TextAsync($"/portal/teams/{team}"), name));
    }

    /// <summary>Advances the clock by <paramref name="by"/> (a tick of the refresh) and waits until the pages show <paramref name="expected"/>.</summary>
    private static Task<Shown> AfterRefreshAsync(PlatformApp platform, PortalSession reader, string team, string name, TimeSpan by, string expected)
    {
        platform.Time.Advance(by);
        return WhenShownAsync(platform, reader, team, name, expected);
    }

    /// <summary>Waits until the pages show <paramref name="expected"/> (the refresh runs in the background).</summary>
    private static async Task<Shown> WhenShownAsync(PlatformApp platform, PortalSession reader, string team, string name, string expected)
    {
        var shown = await LevelsAsync(platform, reader, team, name);
        await Poll.UntilAsync(async () => (shown = await LevelsAsync(platform, reader, team, name)).Catalog == expected, TimeSpan.FromSeconds(60),
            () => $"the refresh to store level {expected} of {name}; the pages show {shown}");
        return shown;
    }

    /// <summary>The level badge in the row of <paramref name="name"/>, or null when the page has no row of it or the row has no level.</summary>
    internal static string? LevelOf(string page, string name)
    {
        var row = Rows().Matches(page).Select(m => m.Value).FirstOrDefault(r => r.Contains($">{name}<", StringComparison.Ordinal));
        return row is not null && Badge().Match(row) is { Success: true } badge && badge.Groups[1].Value != "none" ? badge.Groups[1].Value : null;
    }

    [GeneratedRegex("<tr>.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex Rows();

    [GeneratedRegex("<span class=\"level level-([A-Za-z0-9-]+)\">")]
    private static partial Regex Badge();

    private static async Task<PortalSession> ReaderAsync(PlatformApp platform, string team)
    {
        var reader = new PortalSession(platform);
        (await reader.SignInAsync(await platform.TokenAsync(team, "read"))).Dispose();
        return reader;
    }

    private static (string Team, string Service) Names()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        return ($"team-{suffix}", $"svc-{suffix}");
    }

    private static async Task PutServiceAsync(HttpClient writer, string team, string name, string? system) =>
        (await writer.PutAsJsonAsync($"/api/v1/services/{name}", new ServiceUpsertRequest(team, "production", system), Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();

    private static InstanceRegistration Registration(string status) =>
        new("1.0.0", "prod", "0.1.0", [], new InstanceHealthUrls(null, null, null), [], Status: status, TelemetryConfigured: true);

    private static DeploymentEvent Deployment(string service, string id, DateTimeOffset finished) =>
        new(id, service, "prod", "1.0.0", "c0ffee", finished.AddMinutes(-5), finished, "success");
}

public sealed class SqliteScorecardResultsTests(SqliteStore store) : ScorecardResultsTests(store), IClassFixture<SqliteStore>;

public sealed class PostgresScorecardResultsTests(PostgresStore store) : ScorecardResultsTests(store), IClassFixture<PostgresStore>;
