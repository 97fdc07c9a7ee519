using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Testing;
using Testcontainers.PostgreSql;

namespace GoldenPath.Platform.Tests.Replicas;

/// <summary>
/// What a managed PostgreSQL does during a failover, done to a real one under two replica processes that take writes:
/// the server paused then resumed, restarted, and its connections killed from the server side. While the store cannot
/// serve, each replica answers <c>/health/ready</c> with 503 and writes with 503 (which clients retry), never a 500;
/// it recovers on its own, and every write it acknowledged is in the store afterwards. Each test has a container of its
/// own, since it breaks it.
/// </summary>
public sealed class StoreFaultTests
{
    [Fact]
    public async Task PostgresPausedThenResumedMakesTheReplicasUnreadyThenReadyAgainWithNoAcknowledgedWriteLost()
    {
        await using var postgres = await FaultablePostgres.StartAsync();
        await RunUnderFaultAsync(postgres, expectUnready: true, async (container, bothSeenUnready) =>
        {
            // Paused until both replicas have answered 503 (at most a minute), not for a fixed time: on a loaded machine
            // a readiness run that began just before the pause may take its whole bound, and a fixed pause can end first.
            await container.PauseAsync(Replica.Ct);
            await Task.WhenAll(Task.Delay(TimeSpan.FromSeconds(5), Replica.Ct), bothSeenUnready(TimeSpan.FromMinutes(1)));
            await container.UnpauseAsync(Replica.Ct);
        });
    }

    [Fact]
    public async Task PostgresRestartedMakesTheReplicasUnreadyThenReadyAgainWithNoAcknowledgedWriteLost()
    {
        await using var postgres = await FaultablePostgres.StartAsync();
        await RunUnderFaultAsync(postgres, expectUnready: true, async (container, bothSeenUnready) =>
        {
            await container.StopAsync(Replica.Ct);
            await Task.WhenAll(Task.Delay(TimeSpan.FromSeconds(5), Replica.Ct), bothSeenUnready(TimeSpan.FromMinutes(1)));
            await container.StartAsync(Replica.Ct);
        });
    }

    [Fact]
    public async Task EveryConnectionKilledFromTheServerSideLosesNoAcknowledgedWrite()
    {
        await using var postgres = await FaultablePostgres.StartAsync();
        await RunUnderFaultAsync(postgres, expectUnready: false, async (container, _) =>
        {
            for (var i = 0; i < 5; i++)
            {
                var killed = await container.ExecAsync(["psql", "-U", "postgres", "-d", "postgres", "-Atc",
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"], Replica.Ct);
                Assert.True(killed.ExitCode == 0, killed.Stderr);
                await Task.Delay(400, Replica.Ct);
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="fault"/> under two replicas taking writes. Its second argument waits until every replica has
    /// answered <c>/health/ready</c> with 503, or the given time has passed (the assertion afterwards says what they answered).
    /// </summary>
    private static async Task RunUnderFaultAsync(FaultablePostgres postgres, bool expectUnready, Func<PostgreSqlContainer, Func<TimeSpan, Task>, Task> fault)
    {
        var database = await Replica.CreateDatabaseAsync(postgres.ConnectionString);
        var replicas = await Replica.StartReadyAsync(2, database);
        try
        {
            using var writers = new CancellationTokenSource();
            var acknowledged = new ConcurrentBag<string>();
            var answers = new ConcurrentBag<int>();
            var unready = new ConcurrentDictionary<int, bool>();
            var writing = replicas.Select((r, i) => WriteAsync(r, i, acknowledged, answers, writers.Token)).ToArray();
            var seen = replicas.Select(_ => new ConcurrentQueue<string>()).ToArray();
            var probing = replicas.Select((r, i) => ProbeAsync(r, () => unready[i] = true, seen[i], writers.Token)).ToArray();
            await Replica.UntilAsync(() => Task.FromResult(acknowledged.Count >= 20), TimeSpan.FromSeconds(90), "writes to be acknowledged before the fault");

            await fault(postgres.Container, async bound =>
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                while (unready.Count < replicas.Length && clock.Elapsed < bound)
                {
                    await Task.Delay(100, Replica.Ct);
                }
            });

            // Both recover on their own: ready, and taking writes again.
            await Task.WhenAll(replicas.Select(r => Replica.UntilAsync(() => Replica.ReadyIsAsync(r, 200), TimeSpan.FromSeconds(60), "the replica to be ready again")));
            var afterFault = acknowledged.Count;
            await Replica.UntilAsync(() => Task.FromResult(acknowledged.Count >= afterFault + 20), TimeSpan.FromSeconds(30), "writes to be acknowledged again");
            await writers.CancelAsync();
            await Task.WhenAll(writing.Concat(probing));

            // Readiness answers, fault or not, within the store check's bound: 200 or 503, never a 500 and never a probe left waiting.
            Assert.True(seen.All(q => q.All(answer => answer.EndsWith(":200", StringComparison.Ordinal) || answer.EndsWith(":503", StringComparison.Ordinal))),
                $"/health/ready answered something else than 200 or 503 (0: no answer within 10 s):\n{string.Join("\n", seen.Select(q => string.Join(' ', q)))}");
            if (expectUnready)
            {
                Assert.True(unready.Count == replicas.Length, $"{unready.Count} of {replicas.Length} replicas answered /health/ready with 503 while PostgreSQL could not serve; they answered:\n{string.Join("\n", seen.Select(q => string.Join(' ', q)))}");
            }

            Assert.All(answers, status => Assert.True(status is 0 or 200 or 201 or 503,
                $"a replica answered a write with {status} during the fault (only 503, which clients retry, or no answer is expected).\n{replicas[0]}\n---\n{replicas[1]}"));
            var names = acknowledged.ToHashSet();
            var stored = await Replica.CountAsync(database, $"SELECT count(*) FROM services WHERE \"Name\" = ANY(ARRAY[{string.Join(',', names.Select(n => $"'{n}'"))}])");
            Assert.Equal(names.Count, stored);
        }
        finally
        {
            await Replica.DisposeAllAsync(replicas);
        }
    }

    /// <summary>Creates services through the replica one after another, remembering each one it acknowledged.</summary>
    private static async Task WriteAsync(ServiceProcess replica, int index, ConcurrentBag<string> acknowledged, ConcurrentBag<int> answers, CancellationToken stop)
    {
        using var client = Replica.Client(replica, Replica.BootstrapToken);
        client.Timeout = TimeSpan.FromSeconds(5);
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var name = $"written-{index}-{n}";
            try
            {
                using var response = await client.PutAsJsonAsync($"/api/v1/services/{name}", new ServiceUpsertRequest("team-a", "production"),
                    PlatformJsonContext.Default.ServiceUpsertRequest, stop);
                answers.Add((int)response.StatusCode);
                if (response.IsSuccessStatusCode)
                {
                    acknowledged.Add(name);
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !Replica.Ct.IsCancellationRequested)
            {
                answers.Add(0);
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    private static async Task ProbeAsync(ServiceProcess replica, Action unready, ConcurrentQueue<string> seen, CancellationToken stop)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            var status = await Replica.ReadyStatusAsync(replica);
            seen.Enqueue($"{clock.Elapsed.TotalSeconds:F1}s:{status}");
            if (status == 503)
            {
                unready();
            }

            await Task.Delay(200, CancellationToken.None);
        }
    }

    /// <summary>A PostgreSQL container of one test's own, on a fixed host port so that a restarted server is found where it was.</summary>
    private sealed class FaultablePostgres : PostgreSqlContainerFixture
    {
        private readonly int _port = FreePort();

        public PostgreSqlContainer Container { get; private set; } = null!;

        public string ConnectionString { get; private set; } = "";

        public static async Task<FaultablePostgres> StartAsync()
        {
            var postgres = new FaultablePostgres();
            await postgres.InitializeAsync();
            postgres.Container = await postgres.GetContainerAsync();
            postgres.ConnectionString = postgres.Container.GetConnectionString();
            return postgres;
        }

        protected override PostgreSqlBuilder Configure(PostgreSqlBuilder builder) => builder.WithPortBinding(_port, PostgreSqlBuilder.PostgreSqlPort);

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
