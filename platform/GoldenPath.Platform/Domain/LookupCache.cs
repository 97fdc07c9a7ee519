using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Domain;

/// <summary>A token as the bearer handler needs it.</summary>
internal sealed record CachedToken(string Id, string Team, IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

/// <summary>
/// What nearly every write looks up and nearly never changes: the token behind a bearer secret and the owner of a
/// service. Heartbeats are most of the platform's traffic; without this each one would read both from the store.
/// An entry lives for <see cref="PlatformOptions.LookupCacheDuration"/> at most: a change made on any replica (a revoked
/// token, a service's new owner) is forgotten on this one at once when made here, and within a second when made on
/// another (<see cref="CacheInvalidation"/>).
/// </summary>
internal sealed class LookupCache
{
    private const string TokenTopic = "token";
    private const string OwnerTopic = "owner";

    private readonly CacheInvalidation _invalidation;
    private readonly ReplicaCache<CachedToken> _tokens;
    private readonly ReplicaCache<string> _owners;

    public LookupCache(IMemoryCache cache, CacheInvalidation invalidation, IOptions<PlatformOptions> options)
    {
        _invalidation = invalidation;
        _tokens = new ReplicaCache<CachedToken>(TokenTopic, cache, invalidation, () => options.Value.LookupCacheDuration);
        _owners = new ReplicaCache<string>(OwnerTopic, cache, invalidation, () => options.Value.LookupCacheDuration);
    }

    /// <summary>The token whose secret hashes to <paramref name="hash"/>, or null when the store has none (not cached: a stream of bad tokens must not fill memory).</summary>
    public Task<CachedToken?> FindTokenAsync(PlatformDbContext db, string hash, CancellationToken ct) =>
        _tokens.GetOrLoadAsync(hash, cancellation => db.Tokens.AsNoTracking()
            .Where(t => t.Hash == hash)
            .Select(t => new CachedToken(t.Id, t.Team, t.Scopes, t.ExpiresAt, t.RevokedAt))
            .FirstOrDefaultAsync(cancellation), ct);

    /// <summary>Tells every replica that the token with this hash changed (inside the transaction that changes it).</summary>
    public Task PublishTokenChangeAsync(PlatformDbContext db, string hash, CancellationToken ct) => _invalidation.PublishAsync(db, TokenTopic, hash, ct);

    /// <summary>Forgets a token on this replica, after its change committed.</summary>
    public void ForgetToken(string hash) => _tokens.Forget(hash);

    /// <summary>The owning team of a service, or null when it is not in the catalog (not cached, so a new service is found at once).</summary>
    public Task<string?> FindOwnerAsync(PlatformDbContext db, string service, CancellationToken ct) =>
        _owners.GetOrLoadAsync(service, cancellation => db.Services.AsNoTracking().Where(s => s.Name == service).Select(s => s.Owner).FirstOrDefaultAsync(cancellation), ct);

    /// <summary>Forgets a service's owner on every replica after its catalog entry was written.</summary>
    public async Task ForgetOwnerAsync(PlatformDbContext db, string service)
    {
        _owners.Forget(service);
        // The entry is written: a cancelled request must not keep the other replicas from hearing of it.
        await _invalidation.PublishAsync(db, OwnerTopic, service, CancellationToken.None);
    }
}
