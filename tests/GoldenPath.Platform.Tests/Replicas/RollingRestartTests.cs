using System.Globalization;
using GoldenPath.Testing;

namespace GoldenPath.Platform.Tests.Replicas;

/// <summary>
/// A rolling restart under load: 2 or 3 replicas behind a load balancer that routes on <c>/health/ready</c>
/// (<see cref="LoadBalancer"/>), a fleet heartbeating through it at a steady rate with catalog reads alongside
/// (<see cref="Fleet"/>), and each replica in turn stopped with SIGTERM, started again and waited for until the balancer
/// routes to it. Nothing the fleet sent may be lost for longer than one heartbeat interval, no instance may expire in
/// the store, and a read may fail only as a 503, read again successfully.
/// </summary>
/// <remarks>
/// The rate is <c>GOLDENPATH_ROLLING_RESTART_RATE</c> heartbeats a second (default <see cref="DefaultRate"/>: what
/// this test's two shared cores carry with three Debug replicas, PostgreSQL, the balancer and the fleet on them).
/// </remarks>
[Collection(ReplicaDatabase.Name)]
public sealed class RollingRestartTests(PostgreSqlContainerFixture postgres)
{
    public const int DefaultRate = 50;

    private const string Team = "team-rolling";

    /// <summary>Each instance's heartbeat interval (the SDK's is 30 s; shorter here so that a restart spans a few).</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private static int Rate =>
        int.TryParse(Environment.GetEnvironmentVariable("GOLDENPATH_ROLLING_RESTART_RATE"), NumberStyles.None, CultureInfo.InvariantCulture, out var rate) && rate > 0 ? rate : DefaultRate;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RestartingEachReplicaInTurnUnderLoadLosesNoHeartbeatExpiresNoInstanceAndFailsReadsOnlyAsRetried503s(int count)
    {
        var database = await Replica.CreateDatabaseAsync(await postgres.GetConnectionStringAsync());
        var ports = Enumerable.Range(0, count).Select(_ => LoopbackPort.Next()).ToArray();
        var replicas = new ServiceProcess?[count];
        try
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(async i => replicas[i] = await StartAsync(ports[i], database)));
            Trace($"{count} replicas started");
            await Task.WhenAll(replicas.Select(r => r!.WaitUntilReadyAsync()));
            Trace("ready");
            await using var balancer = await LoadBalancer.StartAsync(ports);
            await Poll.UntilAsync(() => Enumerable.Range(0, count).All(balancer.Routes), TimeSpan.FromSeconds(30), "the balancer to route to every replica");

            var token = await Replica.TokenAsync(balancer.Address, Team, "instances:write", "read");
            // 50 instances a service: registrations of one service's instances take turns (its cap of live instances).
            var services = Math.Max(1, (int)Math.Ceiling(Rate * Interval.TotalSeconds / 50));
            using var fleet = new Fleet(balancer.Address, token, Team, database, services, perService: (int)Math.Ceiling(Rate * Interval.TotalSeconds / services), Interval);
            await fleet.RegisterAsync();
            using var stop = new CancellationTokenSource();
            var running = fleet.RunAsync(stop.Token);
            try
            {
                await Poll.UntilAsync(() => Running(running, fleet) && fleet.Registered == fleet.Instances, TimeSpan.FromSeconds(120), "a heartbeat of every instance");
                Trace("registered");
                await ForAnIntervalOfHeartbeatsAsync(fleet, running);
                for (var i = 0; i < count; i++)
                {
                    Trace($"stopping {i}");
                    balancer.Note($"SIGTERM to {LoadBalancer.Destination(i)}");
                    await replicas[i]!.StopAsync(TimeSpan.FromSeconds(30));
                    balancer.Note($"{LoadBalancer.Destination(i)} exited {replicas[i]!.ExitCode}; its shutdown lines:\n    {string.Join("\n    ", replicas[i]!.StandardOutput.Where(l => l.Contains("SIGTERM", StringComparison.Ordinal) || l.Contains("shutting down", StringComparison.OrdinalIgnoreCase)))}");
                    Trace($"stopped {i}");
                    Assert.True(replicas[i]!.ExitCode == 0, $"replica {i} stopped with {replicas[i]!.ExitCode}.\n{replicas[i]}");
                    await replicas[i]!.DisposeAsync();
                    replicas[i] = null;
                    replicas[i] = await StartAsync(ports[i], database);
                    balancer.Note($"{LoadBalancer.Destination(i)} started again");
                    var restarted = i;
                    await Poll.UntilAsync(() => Running(running) && balancer.Routes(restarted),
                        TimeSpan.FromSeconds(90), $"the balancer to route to the restarted replica {restarted}");
                    await ForAnIntervalOfHeartbeatsAsync(fleet, running);
                }
            }
            finally
            {
                await stop.CancelAsync();
                await running;
            }

            var summary = $"{count} replicas, {fleet.Summary()}\nThe balancer's timeline:\n{balancer.Timeline()}";
            TestContext.Current.TestOutputHelper?.WriteLine(summary);
            Assert.True(fleet.Lost.IsEmpty, $"Heartbeats lost: {string.Join("; ", fleet.Lost.Take(10))}\n{summary}");
            Assert.True(Fleet.Percentile(fleet.TimeToAcknowledge, 100) < Interval.TotalMilliseconds,
                $"A heartbeat took longer than one interval ({Interval.TotalSeconds} s) to be acknowledged.\n{summary}");
            Assert.True(fleet.Store.MostExpired == 0, $"The store held expired instances.\n{summary}");
            Assert.True(fleet.IncompleteReads.IsEmpty, $"Reads missed live instances: {string.Join("; ", fleet.IncompleteReads.Take(10))}\n{summary}");
            Assert.True(fleet.FailedReads.IsEmpty, $"Reads failed even after retries: {string.Join("; ", fleet.FailedReads.Take(10))}\n{summary}");
            Assert.True(fleet.FailedReadAttempts.All(s => s == 503), $"A read failed otherwise than with a 503 to retry.\n{summary}");
            Assert.True(fleet.FailedHeartbeatAttempts.All(s => s == 503), $"A heartbeat failed otherwise than with a 503 to retry.\n{summary}");
            Assert.True(fleet.Reads > 0, summary);

            Assert.Equal(fleet.Instances, await Replica.CountAsync(database, "SELECT count(*) FROM instances"));
            Assert.Equal(fleet.Instances, await Replica.CountAsync(database, "SELECT count(*) FROM instances WHERE \"ExpiresAt\" > now()"));
        }
        finally
        {
            await Replica.DisposeAllAsync(replicas.OfType<ServiceProcess>());
        }
    }

    /// <summary>A replica on a port of its own, kept across restarts (a pod's address in the Service's endpoints).</summary>
    private static Task<ServiceProcess> StartAsync(int port, string database) => Replica.StartAsync(database, new Dictionary<string, string?>
    {
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        // Three intervals, as in production (30 s heartbeats, 90 s TTL).
        ["GoldenPath__Platform__InstanceTtl"] = (Interval * 3).ToString("c", CultureInfo.InvariantCulture),
    });

    private static DateTime s_traced;

    private static void Trace(string what)
    {
        if (Environment.GetEnvironmentVariable("GOLDENPATH_ROLLING_TRACE") is { Length: > 0 } file)
        {
            File.AppendAllText(file, $"{DateTime.UtcNow:HH:mm:ss.fff} {what}\n");
        }
    }

    /// <summary>True while the fleet runs; fails the test when it stopped on its own.</summary>
    private static bool Running(Task fleet, Fleet? load = null)
    {
        if (load is not null && DateTime.UtcNow - s_traced > TimeSpan.FromSeconds(1))
        {
            s_traced = DateTime.UtcNow;
            Trace(load.Summary());
        }

        Assert.False(fleet.IsCompleted, $"The fleet stopped: {fleet.Exception}");
        return true;
    }

    /// <summary>Waits until the fleet had one more interval's worth of heartbeats acknowledged.</summary>
    private static Task ForAnIntervalOfHeartbeatsAsync(Fleet fleet, Task running)
    {
        var target = fleet.Acknowledged + fleet.Instances;
        return Poll.UntilAsync(() => Running(running, fleet) && fleet.Acknowledged >= target,
            TimeSpan.FromSeconds(60), $"{fleet.Instances} more heartbeats acknowledged ({fleet.Summary()})");
    }
}
