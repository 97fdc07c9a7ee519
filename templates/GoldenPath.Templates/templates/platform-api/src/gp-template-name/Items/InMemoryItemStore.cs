using System.Collections.Concurrent;

namespace GpTemplateNamespace.Items;

/// <summary>Items in memory: gone when the process stops. Generate with <c>--database postgres</c> to keep them.</summary>
public sealed class InMemoryItemStore(TimeProvider time) : IItemStore
{
    private readonly ConcurrentDictionary<Guid, Item> _items = new();

    public Task<Item> AddAsync(string name, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var item = new Item(Guid.CreateVersion7(now), name, now);
        _items[item.Id] = item;
        return Task.FromResult(item);
    }

    public Task<Item?> FindAsync(Guid id, CancellationToken ct) => Task.FromResult(_items.GetValueOrDefault(id));

    public Task<IReadOnlyList<Item>> ListAsync(int limit, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Item>>([.. _items.Values.OrderBy(i => i.Id).Take(limit)]);
}
