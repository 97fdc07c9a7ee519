using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;

namespace GoldenPath.Platform.Domain;

/// <summary>
/// A per-replica cache of one kind of value (a topic) that stays right across replicas: it forgets a
/// key when any replica changes it (through <see cref="CacheInvalidation"/>), caches nothing while changes from other
/// replicas might not arrive, and never keeps a value read before a change that it learnt of while reading.
/// </summary>
/// <remarks>
/// The last point is a generation count: a load remembers the generation before it reads the store and keeps its value
/// only if no key was forgotten meanwhile; <see cref="Forget"/> counts first and removes second, so that a value stored
/// by a load that missed the count is removed by the <see cref="Forget"/> that made it.
/// </remarks>
internal sealed class ReplicaCache<T> where T : class
{
    private readonly string _topic;
    private readonly IMemoryCache _memory;
    private readonly CacheInvalidation _invalidation;
    private readonly Func<TimeSpan> _duration;
    private long _generation;
    private CancellationTokenSource _everything = new();

    public ReplicaCache(string topic, IMemoryCache memory, CacheInvalidation invalidation, Func<TimeSpan> duration)
    {
        _topic = topic;
        _memory = memory;
        _invalidation = invalidation;
        _duration = duration;
        invalidation.Subscribe(topic, Forget);
    }

    /// <summary>The cached value of <paramref name="key"/>, or what <paramref name="load"/> reads (a null is not cached).</summary>
    public async Task<T?> GetOrLoadAsync(string key, Func<CancellationToken, Task<T?>> load, CancellationToken cancellationToken)
    {
        // While changes from other replicas might not arrive, what is cached might be stale: read the store.
        var duration = _duration();
        if (duration <= TimeSpan.Zero || !_invalidation.IsLive)
        {
            return await load(cancellationToken);
        }

        if (_memory.TryGetValue((_topic, key), out T? cached))
        {
            return cached;
        }

        var generation = Interlocked.Read(ref _generation);
        var value = await load(cancellationToken);
        if (value is null || !_invalidation.IsLive)
        {
            return value;
        }

        var options = new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = duration };
        options.AddExpirationToken(new CancellationChangeToken(Volatile.Read(ref _everything).Token));
        _memory.Set((_topic, key), value, options);
        if (Interlocked.Read(ref _generation) != generation)
        {
            _memory.Remove((_topic, key));
        }

        return value;
    }

    /// <summary>Forgets <paramref name="key"/> on this replica, or everything when it is null.</summary>
    public void Forget(string? key)
    {
        Interlocked.Increment(ref _generation);
        if (key is not null)
        {
            _memory.Remove((_topic, key));
            return;
        }

        // Not disposed: a load may still be reading the previous one's token.
        Interlocked.Exchange(ref _everything, new CancellationTokenSource()).Cancel();
    }
}
