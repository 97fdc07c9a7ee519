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
/// An entry lives for <see cref="PlatformOptions.LookupCacheDuration"/>: a change made on this replica (a revoked
/// token, a service's new owner) applies at once, one made on another replica within that time.
/// </summary>
internal sealed class LookupCache(IMemoryCache cache, IOptions<PlatformOptions> options)
{
    private TimeSpan Duration => options.Value.LookupCacheDuration;

    /// <summary>The token whose secret hashes to <paramref name="hash"/>, or null when the store has none (not cached: a stream of bad tokens must not fill memory).</summary>
    public async Task<CachedToken?> FindTokenAsync(PlatformDbContext db, string hash, CancellationToken ct)
    {
        if (Duration > TimeSpan.Zero && cache.TryGetValue(("token", hash), out CachedToken? cached))
        {
            return cached;
        }

        var token = await db.Tokens.AsNoTracking()
            .Where(t => t.Hash == hash)
            .Select(t => new CachedToken(t.Id, t.Team, t.Scopes, t.ExpiresAt, t.RevokedAt))
            .FirstOrDefaultAsync(ct);
        if (token is not null && Duration > TimeSpan.Zero)
        {
            cache.Set(("token", hash), token, Duration);
            cache.Set(("token-id", token.Id), hash, Duration);
        }

        return token;
    }

    /// <summary>Forgets a revoked token on this replica.</summary>
    public void ForgetToken(string id)
    {
        if (cache.TryGetValue(("token-id", id), out string? hash))
        {
            cache.Remove(("token", hash));
            cache.Remove(("token-id", id));
        }
    }

    /// <summary>The owning team of a service, or null when it is not in the catalog (not cached, so a new service is found at once).</summary>
    public async Task<string?> FindOwnerAsync(PlatformDbContext db, string service, CancellationToken ct)
    {
        if (Duration > TimeSpan.Zero && cache.TryGetValue(("owner", service), out string? owner))
        {
            return owner;
        }

        owner = await db.Services.AsNoTracking().Where(s => s.Name == service).Select(s => s.Owner).FirstOrDefaultAsync(ct);
        if (owner is not null && Duration > TimeSpan.Zero)
        {
            cache.Set(("owner", service), owner, Duration);
        }

        return owner;
    }

    /// <summary>Forgets a service's owner after its catalog entry was written on this replica.</summary>
    public void ForgetOwner(string service) => cache.Remove(("owner", service));
}
