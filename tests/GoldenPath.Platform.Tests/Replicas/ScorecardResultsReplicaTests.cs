using System.Net.Http.Json;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Testing;

namespace GoldenPath.Platform.Tests.Replicas;

/// <summary>
/// The stored scorecard results behind two platform processes on one PostgreSQL: a write through one replica moves the
/// level both show, and the refresh that only one replica runs (the lease holder) moves it on both when an instance
/// expires with no write to say so; the pages of both agree with the API of both.
/// </summary>
[Collection(ReplicaDatabase.Name)]
public sealed class ScorecardResultsReplicaTests(PostgreSqlContainerFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoReplicasShowTheSameStoredLevelAfterAWriteOnOneAndAfterTheRefresh()
    {
        var database = await Replica.CreateDatabaseAsync(await postgres.GetConnectionStringAsync());
        var replicas = await Replica.StartReadyAsync(2, database, new Dictionary<string, string?>
        {
            ["GoldenPath__Platform__InstanceTtl"] = "00:00:30",
            ["GoldenPath__Platform__ScorecardRefreshInterval"] = "00:00:01",
            ["GoldenPath__Platform__ScorecardLevels__0__Name"] = "Listed",
            ["GoldenPath__Platform__ScorecardLevels__0__Checks__0"] = "owner-set",
            ["GoldenPath__Platform__ScorecardLevels__1__Name"] = "Running",
            ["GoldenPath__Platform__ScorecardLevels__1__Checks__0"] = "live-instance",
        });
        try
        {
            var (a, b) = (replicas[0], replicas[1]);
            var team = $"team-{Guid.NewGuid():N}"[..16];
            var name = $"svc-{Guid.NewGuid():N}"[..16];
            using var onA = new PortalSession(a.Http.BaseAddress!);
            using var onB = new PortalSession(b.Http.BaseAddress!, onA.Cookies);
            (await onA.SignInAsync(await Replica.TokenAsync(a.Http.BaseAddress!, team, "read"))).Dispose();
            using var readerA = Replica.Client(a, await Replica.TokenAsync(a.Http.BaseAddress!, team, "read"));
            using var readerB = Replica.Client(b, await Replica.TokenAsync(b.Http.BaseAddress!, team, "read"));
            async Task<string?[]> ShownAsync() =>
            [
                (await readerA.GetFromJsonAsync($"/api/v1/scorecards/{name}", PlatformJsonContext.Default.Scorecard, Ct))!.Level,
                (await readerB.GetFromJsonAsync($"/api/v1/scorecards/{name}", PlatformJsonContext.Default.Scorecard, Ct))!.Level,
                ScorecardResultsTests.LevelOf(await onA.TextAsync($"/portal?search={name}"), name),
                ScorecardResultsTests.LevelOf(await onB.TextAsync($"/portal?search={name}"), name),
            ];

            // The instance registers through A (creating the service from its identity): B's page shows it at once.
            using var instances = Replica.Client(a, await Replica.TokenAsync(a.Http.BaseAddress!, team, "instances:write"));
            Assert.True(await Replica.HeartbeatAsync(instances, name, "pod-1", team));
            var registered = await ShownAsync();
            // No more heartbeats: the instance expires, no write says so, and the lease holder's refresh stores it.
            string?[] expired = [];
            await Replica.UntilAsync(async () => (expired = await ShownAsync()).All(l => l == "Listed"), TimeSpan.FromSeconds(90),
                "both replicas' pages and APIs to show the level without the expired instance");

            Assert.Equal(["Running", "Running", "Running", "Running"], registered);
            Assert.Equal(["Listed", "Listed", "Listed", "Listed"], expired);
            Assert.Equal(1, await Replica.CountAsync(database, $"SELECT count(*) FROM scorecard_results WHERE \"Service\" = '{name}'"));
        }
        finally
        {
            await Replica.DisposeAllAsync(replicas);
        }
    }
}
