using System.Diagnostics.Metrics;
using GoldenPath.ServiceDefaults;

namespace GpTemplateNamespace.Work;

/// <summary>
/// Handles one work item: this is where the service's own logic goes. Outcomes are counted in
/// <c>worker.items</c> (by <c>result</c>) on the meter named after the service, which the golden path exports, so dashboards and alerts see the work, not just the process.
/// </summary>
public sealed partial class WorkProcessor(IWorkLedger ledger, ServiceInfo service, TimeProvider time, IMeterFactory meters, ILogger<WorkProcessor> logger)
{
    private readonly Counter<long> _items = meters.Create(service.Name).CreateCounter<long>("worker.items", "{item}", "Work items handled, by result.");

    // Every line logged while an item is handled, here or deeper down, carries its id in the line's scopes.
    private static readonly Func<ILogger, string, IDisposable?> s_itemScope = LoggerMessage.DefineScope<string>("Work item {WorkItemId}");

    public async Task ProcessAsync(WorkItem item, CancellationToken ct)
    {
        using var scope = s_itemScope(logger, item.Id);

        // Do the work here, then record it: a retry after a crash between the two repeats the work,
        // so keep the work itself idempotent too.
        if (await ledger.TryRecordAsync(item, time.GetUtcNow(), ct))
        {
            Processed(logger, item.Id);
            _items.Add(1, new KeyValuePair<string, object?>("result", "processed"));
        }
        else
        {
            _items.Add(1, new KeyValuePair<string, object?>("result", "duplicate"));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Processed work item {WorkItemId}")]
    private static partial void Processed(ILogger logger, string workItemId);
}
