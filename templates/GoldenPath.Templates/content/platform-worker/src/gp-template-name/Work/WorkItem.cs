namespace GpTemplateNamespace.Work;

/// <summary>One unit of work.</summary>
/// <param name="Id">What makes it unique: handling the same id twice is a no-op.</param>
/// <param name="Payload">What to do.</param>
public sealed record WorkItem(string Id, string Payload);

/// <summary>What the worker has done, for <c>GET /work/status</c>.</summary>
/// <param name="Processed">Work items processed.</param>
/// <param name="LastProcessedAt">When the last one was processed, if any.</param>
public sealed record WorkStatus(long Processed, DateTimeOffset? LastProcessedAt);

/// <summary>The record of processed work; recording an id twice is a no-op, which makes handling idempotent.</summary>
public interface IWorkLedger
{
    /// <summary>Records a processed item; false when it was recorded before.</summary>
    Task<bool> TryRecordAsync(WorkItem item, DateTimeOffset processedAt, CancellationToken ct);

    Task<WorkStatus> GetStatusAsync(CancellationToken ct);
}
