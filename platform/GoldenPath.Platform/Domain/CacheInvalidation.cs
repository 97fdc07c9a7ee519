using System.Collections.Concurrent;
using GoldenPath.Platform.Data;

namespace GoldenPath.Platform.Domain;

/// <summary>
/// Tells every replica's caches that something changed, so that a per-replica cache never serves what another replica
/// changed for longer than the message takes (well under a second). A cache subscribes to a topic and forgets the key it
/// is told, or everything (a null key) when messages may have been missed. While <see cref="IsLive"/> is false, changes
/// on other replicas may not arrive: caches must not keep anything then.
/// </summary>
internal abstract class CacheInvalidation
{
    private readonly ConcurrentDictionary<string, ImmutableCallbacks> _subscribers = new(StringComparer.Ordinal);

    /// <summary>Gets whether changes made on any replica reach this one now.</summary>
    public abstract bool IsLive { get; }

    /// <summary>
    /// Tells the other replicas that <paramref name="key"/> of <paramref name="topic"/> changed. Inside a transaction of
    /// <paramref name="db"/> the message leaves when it commits, and not at all when it rolls back. The caller forgets
    /// the key on this replica itself, after the change committed.
    /// </summary>
    public abstract Task PublishAsync(PlatformDbContext db, string topic, string key, CancellationToken cancellationToken);

    /// <summary>Calls <paramref name="forget"/> with each key of <paramref name="topic"/> that changed elsewhere, or with null to forget everything.</summary>
    public void Subscribe(string topic, Action<string?> forget) =>
        _subscribers.AddOrUpdate(topic, _ => new ImmutableCallbacks([forget]), (_, existing) => new ImmutableCallbacks([.. existing.Callbacks, forget]));

    /// <summary>Delivers a message that arrived from a replica.</summary>
    protected void Deliver(string topic, string key)
    {
        if (_subscribers.TryGetValue(topic, out var callbacks))
        {
            foreach (var forget in callbacks.Callbacks)
            {
                forget(key);
            }
        }
    }

    /// <summary>Tells every subscriber to forget everything: messages may have been missed.</summary>
    protected void ForgetEverything()
    {
        foreach (var callbacks in _subscribers.Values)
        {
            foreach (var forget in callbacks.Callbacks)
            {
                forget(null);
            }
        }
    }

    private sealed record ImmutableCallbacks(Action<string?>[] Callbacks);
}

/// <summary>The single-process store (SQLite): there is no other replica to tell, and this one forgets for itself.</summary>
internal sealed class LocalCacheInvalidation : CacheInvalidation
{
    public override bool IsLive => true;

    public override Task PublishAsync(PlatformDbContext db, string topic, string key, CancellationToken cancellationToken) => Task.CompletedTask;
}
