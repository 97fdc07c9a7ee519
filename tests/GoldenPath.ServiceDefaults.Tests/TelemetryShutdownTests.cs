using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GoldenPath.ServiceDefaults.Tests;

public sealed class TelemetryShutdownTests
{
    [Fact]
    public async Task ACollectorThatNeverAnswersCannotHoldTheShutdownPastTheFlushTimeout()
    {
        // A collector that accepts connections and never answers: without a bound, each signal's final export
        // waits for the exporter's 10 s timeout.
        using var blackhole = new TcpListener(IPAddress.Loopback, 0);
        blackhole.Start();
        var held = new System.Collections.Concurrent.ConcurrentQueue<Socket>();
        var accepting = Task.Run(async () =>
        {
            while (true)
            {
                held.Enqueue(await blackhole.AcceptSocketAsync(TestContext.Current.CancellationToken));
            }
        }, TestContext.Current.CancellationToken);
        var app = await TestApp.StartAsync(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{((IPEndPoint)blackhole.LocalEndpoint).Port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["GoldenPath:Telemetry:ShutdownTimeout"] = "00:00:01",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
        });
        await app.Client.GetAsync("/hello", TestContext.Current.CancellationToken);
        app.App.Services.GetRequiredService<ILogger<TelemetryShutdownTests>>().LogWarning("last words");

        // The first exports have started and hang on the collector when it holds a connection; then the host stops.
        await Poll.UntilAsync(() => Task.FromResult(!held.IsEmpty), TimeSpan.FromSeconds(30), "an export connected to the collector");

        var watch = Stopwatch.StartNew();
        await app.App.StopAsync(TestContext.Current.CancellationToken);
        await app.DisposeAsync();
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"stopping took {watch.Elapsed}; the flush budget is 1 s (an unbounded flush takes 10 s or more)");
        Assert.NotEmpty(held);
        foreach (var socket in held)
        {
            socket.Dispose();
        }
    }
}
