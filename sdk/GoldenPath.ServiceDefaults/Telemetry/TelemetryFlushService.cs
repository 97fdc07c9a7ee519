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
        // One after the other, each with what is left of the budget, and all done before StopAsync returns,
        // so that nothing of it runs while the container disposes the providers.
        var budget = Stopwatch.StartNew();
        var total = options.Value.Telemetry.ShutdownTimeout;
        int Remaining() => (int)Math.Max(0, (total - budget.Elapsed).TotalMilliseconds);
        services.GetService<LoggerProvider>()?.Shutdown(Remaining());
        services.GetService<TracerProvider>()?.Shutdown(Remaining());
        services.GetService<MeterProvider>()?.Shutdown(Remaining());
        return Task.CompletedTask;
    }
}
