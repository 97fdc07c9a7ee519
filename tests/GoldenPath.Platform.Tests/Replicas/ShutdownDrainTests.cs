using System.Diagnostics;
using System.Net;
using GoldenPath.Testing;

namespace GoldenPath.Platform.Tests.Replicas;

/// <summary>
/// A replica stopped with SIGTERM while a balancer still sends it requests (one slower to take it out than the
/// replica's <c>ShutdownDelay</c>): it serves on while requests arrive, asks each client to close its connection, and
/// stops listening once they stop, or at twice the delay when they do not.
/// </summary>
[Collection(ReplicaDatabase.Name)]
public sealed class ShutdownDrainTests(PostgreSqlContainerFixture postgres)
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task AReplicaStillSentRequestsAfterItsShutdownDelayServesThemAndClosesTheirConnectionsUntilTheyStopOrTwiceTheDelay()
    {
        var database = await Replica.CreateDatabaseAsync(await postgres.GetConnectionStringAsync());
        var replica = await Replica.StartAsync(database, new Dictionary<string, string?> { ["GoldenPath__Platform__ShutdownDelay"] = "00:00:02" });
        try
        {
            await replica.WaitUntilReadyAsync();
            var token = await Replica.TokenAsync(replica.Http.BaseAddress!, "team-drain", "read");
            using var client = Replica.Client(replica, token);
            using (var before = await client.GetAsync("/api/v1/services", Replica.Ct))
            {
                Assert.Equal(HttpStatusCode.OK, before.StatusCode);
                Assert.NotEqual(true, before.Headers.ConnectionClose);
            }

            // Requests keep coming after SIGTERM, past the delay, until the replica stops listening: three clients, so
            // that a slow answer on this busy machine leaves no second without a request.
            var answers = new System.Collections.Concurrent.ConcurrentQueue<(TimeSpan At, int Status, bool Close, TimeSpan AnsweredAt)>();
            var clock = Stopwatch.StartNew();
            var stopping = replica.StopAsync(TimeSpan.FromSeconds(60));
            await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
            {
                while (!stopping.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(60))
                {
                    var at = clock.Elapsed;
                    try
                    {
                        using var response = await client.GetAsync("/api/v1/services", Replica.Ct);
                        answers.Enqueue((at, (int)response.StatusCode, response.Headers.ConnectionClose == true, clock.Elapsed));
                    }
                    catch (HttpRequestException)
                    {
                        answers.Enqueue((at, 0, false, clock.Elapsed)); // no longer listening
                    }

                    await Task.Delay(100, Replica.Ct);
                }
            }));
            var exitedAt = clock.Elapsed;
            await stopping;

            var ordered = answers.OrderBy(a => a.At).ToList();
            var seen = string.Join(", ", ordered.Select(a => $"{a.At.TotalMilliseconds:F0} ms: {a.Status}{(a.Close ? " close" : "")}"));
            Assert.Equal(0, replica.ExitCode);
            Assert.All(ordered, a => Assert.True(a.Status is 200 or 0, $"a request was answered {a.Status}: {seen}"));
            // Everything sent until it stopped listening was answered, past the delay itself.
            var served = ordered.Where(a => a.Status == 200).ToList();
            Assert.True(ordered.TakeWhile(a => a.Status == 200).Count() == served.Count, $"a request was refused before a later one was answered: {seen}");
            Assert.True(served[^1].At > Delay + TimeSpan.FromSeconds(0.5), $"the replica stopped answering within its delay of {Delay.TotalSeconds} s although requests still came: {seen}");
            // While it drained, each answer asked its client to close the connection (a new one goes to another replica).
            // Judged by the requests sent once a first answer that closes had arrived: requests already in flight around
            // SIGTERM may be answered either way, whatever order they were sent in.
            Assert.Contains(served, a => a.Close);
            var draining = served.Where(a => a.Close).Min(a => a.AnsweredAt);
            Assert.True(served.Where(a => a.At > draining).All(a => a.Close), $"answers after SIGTERM did not all close their connections: {seen}");
            // Requests never stopped, yet it stopped listening and exited (at twice the delay): a client that never stops
            // cannot hold a replica past its grace period.
            Assert.True(exitedAt < TimeSpan.FromSeconds(30), $"the replica served on for as long as requests came: {seen}");
            Assert.Equal(1, Replica.Lines(replica, "SIGTERM: not ready, serving on"));
            Assert.Equal(1, Replica.Lines(replica, "Served on for"));
        }
        finally
        {
            await replica.DisposeAsync();
        }
    }
}
