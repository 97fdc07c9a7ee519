using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace GoldenPath.ServiceDefaults.Telemetry;

/// <summary>
/// Flushes and shuts down the OpenTelemetry providers within <see cref="GoldenPathTelemetryOptions.ShutdownTimeout"/>
/// when the host stops. Left to the container's disposal, each provider waits up to the exporter's own timeout
/// (10 s) for a collector that does not answer, and a pod would outlive its termination grace period.
/// Registered before the application's hosted services, so it stops after them and their last telemetry is sent.
/// </summary>
internal sealed class TelemetryFlushService(IServiceProvider services, IOptions<GoldenPathOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        var budget = Stopwatch.StartNew();
        var total = options.Value.Telemetry.ShutdownTimeout;
        int Remaining() => (int)Math.Max(0, (total - budget.Elapsed).TotalMilliseconds);

        // Shutdown blocks up to its timeout; run the three in parallel on the thread pool.
        return Task.WhenAll(
            Task.Run(() => services.GetService<TracerProvider>()?.Shutdown(Remaining()), CancellationToken.None),
            Task.Run(() => services.GetService<MeterProvider>()?.Shutdown(Remaining()), CancellationToken.None),
            Task.Run(() => services.GetService<LoggerProvider>()?.Shutdown(Remaining()), CancellationToken.None))
            .WaitAsync(total + TimeSpan.FromMilliseconds(250), CancellationToken.None)
            .ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
