using System.Diagnostics;
using GoldenPath.Testing;

namespace GoldenPath.Platform.Tests.Replicas;

/// <summary>
/// A replica dies (SIGKILL) or is stopped (SIGTERM) while it batches heartbeats: no instance's heartbeat is lost, none
/// is written twice, no instance expires, and a stopped replica answers what it took before it exits.
/// </summary>
[Collection(ReplicaDatabase.Name)]
public sealed class HeartbeatFailoverTests(PostgreSqlContainerFixture postgres)
{
    private const string Team = "team-fleet";

    [Fact]
    public async Task AReplicaKilledMidBatchLosesNoHeartbeatAndLeavesNoDuplicate()
    {
        var database = await Replica.CreateDatabaseAsync(await postgres.GetConnectionStringAsync());
        var replicas = await Replica.StartReadyAsync(2, database);
        try
        {
            var (load, _) = await RegisterFleetAsync(replicas[0], replicas[1]);
            var running = load.RunAsync(rounds: 20, concurrency: 48);
            await Replica.UntilAsync(() => Task.FromResult(load.AcknowledgedCount >= 1500), TimeSpan.FromSeconds(60), "1,500 heartbeats through the first replica");
            await Replica.KillAsync(replicas[0]);
            await running;

            Assert.Contains(0, load.FirstAnswers); // the kill cut heartbeats off in flight
            await load.AssertNothingLostAsync(database);
        }
        finally
        {
            await Replica.DisposeAllAsync(replicas);
        }
    }

    [Fact]
    public async Task AReplicaStoppedWithSigtermAnswersEveryHeartbeatItTookAndExitsWithinTheGracePeriod()
    {
        var database = await Replica.CreateDatabaseAsync(await postgres.GetConnectionStringAsync());
        var replicas = await Replica.StartReadyAsync(2, database);
        try
        {
            var (load, _) = await RegisterFleetAsync(replicas[0], replicas[1]);
            var running = load.RunAsync(rounds: 20, concurrency: 48);
            await Replica.UntilAsync(() => Task.FromResult(load.AcknowledgedCount >= 1500), TimeSpan.FromSeconds(60), "1,500 heartbeats through the first replica");
            var clock = Stopwatch.StartNew();
            await replicas[0].StopAsync(TimeSpan.FromSeconds(30));
            var drained = clock.Elapsed;
            await running;

            // Every heartbeat it answered was written; what it did not take got no answer (a closed listener) or a 503,
            // which clients retry: never a 500 for a heartbeat it had queued.
            Assert.All(load.FirstAnswers, status => Assert.True(status is 0 or 200 or 201 or 503, $"the stopping replica answered {status}.\n{replicas[0]}"));
            Assert.Equal(0, replicas[0].ExitCode);
            // ShutdownDelay (5 s) of serving on while balancers take the replica out, then the drain.
            Assert.True(drained < TimeSpan.FromSeconds(20), $"the replica took {drained.TotalSeconds:F1} s to stop (a pod's grace period is 30 s by default)");
            Assert.Equal(1, Replica.Lines(replicas[0], "SIGTERM: not ready, serving on"));
            await load.AssertNothingLostAsync(database);
        }
        finally
        {
            await Replica.DisposeAllAsync(replicas);
        }
    }

    /// <summary>Registers 300 instances of three services through the second replica and returns a load that beats through the first.</summary>
    private static async Task<(HeartbeatLoad Load, string Token)> RegisterFleetAsync(ServiceProcess first, ServiceProcess second)
    {
        var token = await Replica.TokenAsync(second.Http.BaseAddress!, Team, "instances:write");
        var instances = Enumerable.Range(0, 3).SelectMany(s => Enumerable.Range(0, 100).Select(i => ($"fleet-{s}", $"i-{i:D3}"))).ToList();
        var toFirst = Replica.Client(first, token);
        var toSecond = Replica.Client(second, token);
        var registering = new HeartbeatLoad(toSecond, toSecond, Team, instances);
        await registering.RunAsync(rounds: 1, concurrency: 16);
        Assert.Empty(registering.Lost);
        return (new HeartbeatLoad(toFirst, toSecond, Team, instances), token);
    }
}
