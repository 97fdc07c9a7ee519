using System.Diagnostics;
using GoldenPath.ServiceDefaults;

namespace ProbeService;

/// <summary>
/// Handles one work item as a message consumer would: in a span that continues the producer's trace
/// (<c>Probe:TraceParent</c>, a W3C traceparent) and inside a logging scope naming the item.
/// </summary>
public sealed partial class ProbeWorker(IConfiguration configuration, ServiceInfo service, ILogger<ProbeWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var source = new ActivitySource(service.Name);
        ActivityContext.TryParse(configuration["Probe:TraceParent"], null, out var parent);
        using (var activity = source.StartActivity("handle work item", ActivityKind.Consumer, parent))
        using (logger.BeginScope(new Dictionary<string, object?> { ["WorkItemId"] = "w-1" }))
        {
            Handled(logger, "w-1");
        }

        await Task.Delay(Timeout.Infinite, stoppingToken);
    }

    [LoggerMessage(LogLevel.Information, "Handled work item {WorkItemId}")]
    private static partial void Handled(ILogger logger, string workItemId);
}
