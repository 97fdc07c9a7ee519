using System.Collections.Concurrent;

namespace GpTemplateNamespace.Work;

/// <summary>The ledger in memory: gone when the process stops. Generate with <c>--database postgres</c> to keep it.</summary>
public sealed class InMemoryWorkLedger : IWorkLedger
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _processed = new(StringComparer.Ordinal);

    public Task<bool> TryRecordAsync(WorkItem item, DateTimeOffset processedAt, CancellationToken ct) =>
        Task.FromResult(_processed.TryAdd(item.Id, processedAt));

    public Task<WorkStatus> GetStatusAsync(CancellationToken ct) =>
        Task.FromResult(new WorkStatus(_processed.Count, _processed.IsEmpty ? null : _processed.Values.Max()));
}
