using System.Net;
using System.Net.Http.Json;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// Two platform replicas, each with its own container and caches, on one PostgreSQL database: a change made through
/// one is enforced by the other within a second, though the other had just cached what changed.
/// </summary>
public sealed class ReplicaTests(PostgresStore store) : IClassFixture<PostgresStore>
{
    private static readonly PlatformJsonContext Json = PlatformJsonContext.Default;

    private static readonly TimeSpan Within = TimeSpan.FromSeconds(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ATokenRevokedThroughOneReplicaIsRefusedByAnotherWithinASecond()
    {
        var (a, b) = await StartReplicasAsync();
        await using var replicaA = a;
        await using var replicaB = b;
        var secret = await a.TokenAsync("team-a", "read");
        var onB = b.Client(secret);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/api/v1/services", Ct)).StatusCode);
        var id = (await a.QueryAsync(db => Task.FromResult(db.Tokens.Single(t => t.Hash == Auth.TokenHasher.Hash(secret))))).Id;

        Assert.Equal(HttpStatusCode.NoContent, (await a.Admin.DeleteAsync($"/api/v1/tokens/{id}", Ct)).StatusCode);
        var refusedAfter = await UntilAsync(async () => (await onB.GetAsync("/api/v1/services", Ct)).StatusCode == HttpStatusCode.Unauthorized);

        Assert.True(refusedAfter < Within, $"replica B still accepted the revoked token {refusedAfter.TotalMilliseconds:F0} ms after the revocation");
    }

    [Fact]
    public async Task AServiceMovedToAnotherTeamThroughOneReplicaRefusesTheOldTeamOnAnotherWithinASecond()
    {
        var (a, b) = await StartReplicasAsync();
        await using var replicaA = a;
        await using var replicaB = b;
        var name = $"moved-{Guid.NewGuid().ToString("N")[..8]}";
        var oldTeam = b.Client(await a.TokenAsync("team-a", "instances:write"));
        var registration = new InstanceRegistration("1.0.0", "production", "0.1.0", [], new InstanceHealthUrls(null, null, null), [],
            Service: new RegisteringService("team-a", "production"));
        Assert.Equal(HttpStatusCode.Created, (await oldTeam.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", registration, Json.InstanceRegistration, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await oldTeam.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", registration, Json.InstanceRegistration, Ct)).StatusCode);

        (await a.Admin.PutAsJsonAsync($"/api/v1/services/{name}", new ServiceUpsertRequest("team-b", "production"), Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        var refusedAfter = await UntilAsync(async () =>
            (await oldTeam.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", registration, Json.InstanceRegistration, Ct)).StatusCode == HttpStatusCode.Forbidden);

        Assert.True(refusedAfter < Within, $"replica B still took team-a's heartbeat {refusedAfter.TotalMilliseconds:F0} ms after the service moved to team-b");
    }

    [Fact]
    public async Task AReplicaWhoseListeningConnectionStallsWithoutAWordStopsCachingUntilItListensAgain()
    {
        var (a, b) = await StartReplicasAsync();
        await using var replicaA = a;
        await using var replicaB = b;
        var invalidation = b.Services.GetRequiredService<CacheInvalidation>();
        var secret = await a.TokenAsync("team-a", "read");
        var onB = b.Client(secret);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/api/v1/services", Ct)).StatusCode);

        // The listening backends stop answering, as on a stalled server or a dropped route: their connections stay open
        // and say nothing, so only the missing messages can tell.
        var container = await store.GetContainerAsync();
        var listeners = await a.QueryAsync(db => db.Database.SqlQueryRaw<int>(
            "SELECT pid AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'").ToListAsync(Ct));
        Assert.True(listeners.Count >= 2, $"{listeners.Count} listening connections");
        await container.ExecAsync(["sh", "-c", $"kill -STOP {string.Join(' ', listeners)}"], Ct);
        try
        {
            // Its own notifications are late after 3 s (checked every second): within 5 s it knows.
            await UntilAsync(() => Task.FromResult(!invalidation.IsLive));

            var id = (await a.QueryAsync(db => db.Tokens.SingleAsync(t => t.Hash == Auth.TokenHasher.Hash(secret), Ct))).Id;
            Assert.Equal(HttpStatusCode.NoContent, (await a.Admin.DeleteAsync($"/api/v1/tokens/{id}", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await onB.GetAsync("/api/v1/services", Ct)).StatusCode);
        }
        finally
        {
            await container.ExecAsync(["sh", "-c", $"kill -CONT {string.Join(' ', listeners)}"], CancellationToken.None);
        }

        await UntilAsync(() => Task.FromResult(invalidation.IsLive), TimeSpan.FromSeconds(30));
        // Listening again, B caches again: a token it has read is taken from memory, even after the store's row changed
        // behind every replica's back (no notification).
        var second = await a.TokenAsync("team-a", "read");
        var secondOnB = b.Client(second);
        Assert.Equal(HttpStatusCode.OK, (await secondOnB.GetAsync("/api/v1/services", Ct)).StatusCode);
        await a.QueryAsync(db => db.Tokens.Where(t => t.Hash == Auth.TokenHasher.Hash(second)).ExecuteUpdateAsync(t => t.SetProperty(x => x.RevokedAt, DateTimeOffset.UtcNow), Ct));
        Assert.Equal(HttpStatusCode.OK, (await secondOnB.GetAsync("/api/v1/services", Ct)).StatusCode);
    }

    private async Task<(PlatformApp A, PlatformApp B)> StartReplicasAsync()
    {
        var a = (await store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow))).App;
        var b = (await store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow))).App;
        // A replica caches only while it listens: wait for both, so that B really holds what A changes.
        await UntilAsync(() => Task.FromResult(a.Services.GetRequiredService<CacheInvalidation>().IsLive && b.Services.GetRequiredService<CacheInvalidation>().IsLive), TimeSpan.FromSeconds(30));
        return (a, b);
    }

    /// <summary>Polls until <paramref name="condition"/> holds and returns how long that took; fails after <paramref name="timeout"/> (5 s).</summary>
    private static Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null) =>
        Poll.UntilAsync(condition, timeout ?? TimeSpan.FromSeconds(5), "the condition", TimeSpan.FromMilliseconds(20));
}
