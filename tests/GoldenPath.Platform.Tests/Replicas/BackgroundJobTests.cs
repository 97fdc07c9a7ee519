using GoldenPath.Testing;

namespace GoldenPath.Platform.Tests.Replicas;

/// <summary>
/// The platform's periodic work (removing long-expired instances) runs on one replica at a time, whichever holds the
/// lease, and moves to another when that one dies.
/// </summary>
[Collection(ReplicaDatabase.Name)]
public sealed class BackgroundJobTests(PostgreSqlContainerFixture postgres)
{
    private const string Holds = "now runs the platform's background jobs";
    private const string Removed = "Removed";

    private static readonly Dictionary<string, string?> EverySecond = new() { ["GoldenPath__Platform__BackgroundJobInterval"] = "00:00:01" };

    [Fact]
    public async Task ExpiredInstancesAreRemovedByOneReplicaOnlyAndByAnotherOnceThatOneIsKilled()
    {
        var database = await Replica.CreateDatabaseAsync(await postgres.GetConnectionStringAsync());
        var replicas = await Replica.StartReadyAsync(3, database, EverySecond);
        try
        {
            await Replica.UntilAsync(() => Task.FromResult(replicas.Count(r => Replica.Lines(r, Holds) > 0) == 1), TimeSpan.FromSeconds(10), "one replica to hold the lease");
            var holder = replicas.Single(r => Replica.Lines(r, Holds) > 0);

            for (var round = 0; round < 3; round++)
            {
                await AddLongExpiredInstancesAsync(database, replicas[round], round);
                await Replica.UntilAsync(async () => await Replica.CountAsync(database, "SELECT count(*) FROM instances") == 0, TimeSpan.FromSeconds(10), "the expired instances to be removed");
            }

            // Three rounds, each removed by the holder alone; no other replica ran the job meanwhile. (Its log line may
            // reach standard output a moment after the rows left the store.)
            await Replica.UntilAsync(() => Task.FromResult(Replica.Lines(holder, Removed) >= 3), TimeSpan.FromSeconds(10), "the holder to log its three removals");
            Assert.Equal(3, Replica.Lines(holder, Removed));
            Assert.All(replicas.Where(r => r != holder), r => Assert.Equal(0, Replica.Lines(r, Removed) + Replica.Lines(r, Holds)));

            await Replica.KillAsync(holder);
            var others = replicas.Where(r => r != holder).ToArray();
            var movedAfter = await Replica.UntilAsync(() => Task.FromResult(others.Count(r => Replica.Lines(r, Holds) > 0) == 1), TimeSpan.FromSeconds(10),
                "another replica to take the lease after the holder was killed");
            var heir = others.Single(r => Replica.Lines(r, Holds) > 0);
            await AddLongExpiredInstancesAsync(database, heir, 3);
            await Replica.UntilAsync(async () => await Replica.CountAsync(database, "SELECT count(*) FROM instances") == 0, TimeSpan.FromSeconds(10), "the heir to remove expired instances");
            await Replica.UntilAsync(() => Task.FromResult(Replica.Lines(heir, Removed) >= 1), TimeSpan.FromSeconds(10), "the heir to log its removal");
            Assert.Equal(1, Replica.Lines(heir, Removed));
            Assert.All(others.Where(r => r != heir), r => Assert.Equal(0, Replica.Lines(r, Removed) + Replica.Lines(r, Holds)));
            Assert.True(movedAfter < TimeSpan.FromSeconds(5), $"the lease moved {movedAfter.TotalSeconds:F1} s after the holder died");
        }
        finally
        {
            await Replica.DisposeAllAsync(replicas);
        }
    }

    /// <summary>Registers five instances through a replica and makes them look expired two hours ago (the purge keeps an hour).</summary>
    private static async Task AddLongExpiredInstancesAsync(string database, ServiceProcess through, int round)
    {
        using var client = Replica.Client(through, await Replica.TokenAsync(through.Http.BaseAddress!, "team-a", "instances:write"));
        for (var i = 0; i < 5; i++)
        {
            Assert.True(await Replica.HeartbeatAsync(client, $"purged-{round}", $"i-{i}", "team-a"));
        }

        await Replica.ExecuteAsync(database, "UPDATE instances SET \"ExpiresAt\" = now() - interval '2 hours', \"LastHeartbeatAt\" = now() - interval '3 hours'");
    }
}
