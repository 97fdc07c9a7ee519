using System.Net.Http.Json;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Domain;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>The scorecard's levels: computed by the platform from one setting, returned by the API; on SQLite and on PostgreSQL.</summary>
public abstract class ScorecardLevelsTests(IPlatformStore store)
{
    private static readonly PlatformJsonContext Json = PlatformJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheScorecardSaysWhichLevelAServiceReachedAndWhatTheNextLevelsStillNeed()
    {
        await using var platform = await StartAsync();
        var seed = await PortalSeed.WriteAsync(platform);
        var reader = platform.Client(seed.TeamAReader);

        var live = await reader.GetFromJsonAsync($"/api/v1/scorecards/{seed.Busy}", Json.Scorecard, Ct);
        var notRunning = await reader.GetFromJsonAsync($"/api/v1/scorecards/{seed.TeamAServices[2]}", Json.Scorecard, Ct);

        Assert.Equal(["Bronze", "Silver", "Gold"], live!.Levels.Select(l => l.Name));
        Assert.Equal("Bronze", live.Level);
        Assert.True(live.Levels[0].Reached);
        Assert.Empty(live.Levels[0].Failing);
        Assert.False(live.Levels[1].Reached);
        Assert.Contains("manifests-passed-policy", live.Levels[1].Failing);
        Assert.Equal(live.Checks.Where(c => !c.Passed).Select(c => c.Id).Order(), live.Levels.SelectMany(l => l.Failing).Order());
        Assert.Null(notRunning!.Level);
        Assert.Equal(["live-instance", "ready"], notRunning.Levels[0].Failing);
    }

    [Fact]
    public async Task APlatformTeamRedefinesTheLevelsInOneSetting()
    {
        await using var platform = await StartAsync(new()
        {
            ["GoldenPath:Platform:ScorecardLevels:0:Name"] = "Listed",
            ["GoldenPath:Platform:ScorecardLevels:0:Checks:0"] = "owner-set",
            ["GoldenPath:Platform:ScorecardLevels:1:Name"] = "Shipping",
            ["GoldenPath:Platform:ScorecardLevels:1:Checks:0"] = "deployed-recently",
            ["GoldenPath:Platform:ScorecardLevels:1:Checks:1"] = "telemetry-configured",
        });
        var seed = await PortalSeed.WriteAsync(platform);
        var reader = platform.Client(seed.TeamAReader);

        var busy = await reader.GetFromJsonAsync($"/api/v1/scorecards/{seed.Busy}", Json.Scorecard, Ct);
        var quiet = await reader.GetFromJsonAsync($"/api/v1/scorecards/{seed.TeamAServices[2]}", Json.Scorecard, Ct);

        Assert.Equal(["Listed", "Shipping"], busy!.Levels.Select(l => l.Name));
        Assert.Equal("Shipping", busy.Level);
        Assert.Equal("Listed", quiet!.Level);
        Assert.Equal(["deployed-recently", "telemetry-configured"], quiet.Levels[1].Failing);
    }

    [Fact]
    public async Task LevelsThatNameAnUnknownCheckStopThePlatformWithTheChecksItKnows()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(new()
        {
            ["GoldenPath:Platform:ScorecardLevels:0:Name"] = "Bronze",
            ["GoldenPath:Platform:ScorecardLevels:0:Checks:0"] = "owner-sett",
        }));

        var message = failure.ToString();
        Assert.Contains("level 'Bronze' names the unknown check 'owner-sett'", message, StringComparison.Ordinal);
        Assert.Contains("owner-set, system-set", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryCheckTheScorecardEvaluatesIsOneALevelMayName()
    {
        await using var platform = await StartAsync();
        var seed = await PortalSeed.WriteAsync(platform);

        var scorecard = await platform.Client(seed.TeamAReader).GetFromJsonAsync($"/api/v1/scorecards/{seed.Busy}", Json.Scorecard, Ct);

        Assert.Equal(ScorecardLevels.KnownChecks, scorecard!.Checks.Select(c => c.Id));
        Assert.Equal(ScorecardLevels.KnownChecks.Order(), ScorecardLevels.Defaults.SelectMany(l => l.Checks).Order());
    }

    private async Task<PlatformApp> StartAsync(Dictionary<string, string?>? settings = null) =>
        (await store.StartAsync(new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero)), settings)).App;
}

public sealed class SqliteScorecardLevelsTests(SqliteStore store) : ScorecardLevelsTests(store), IClassFixture<SqliteStore>;

public sealed class PostgresScorecardLevelsTests(PostgresStore store) : ScorecardLevelsTests(store), IClassFixture<PostgresStore>;
