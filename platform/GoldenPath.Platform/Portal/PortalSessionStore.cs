using System.Security.Cryptography;
using GoldenPath.Platform.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform.Portal;

/// <summary>
/// Keeps the portal's sessions in the platform's store (ASP.NET Core's <see cref="ITicketStore"/>): the cookie holds a
/// random session id, encrypted, and the ticket stays in the <c>portal_sessions</c> table every replica reads. Signing
/// out deletes the row, so a copy of the cookie taken before is refused afterwards by every replica; an expired ticket
/// is refused, and removed by <see cref="Domain.PurgeService"/>.
/// </summary>
internal sealed class PortalSessionStore(IServiceScopeFactory scopes, TimeProvider time) : ITicketStore
{
    public async Task<string> StoreAsync(AuthenticationTicket ticket) => await StoreAsync(ticket, CancellationToken.None);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        var id = Base64Url(RandomNumberGenerator.GetBytes(32));
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        db.PortalSessions.Add(new PortalSessionEntity { Id = id, Ticket = TicketSerializer.Default.Serialize(ticket), ExpiresAt = ExpiresAt(ticket) });
        await db.SaveChangesAsync(cancellationToken);
        return id;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, CancellationToken.None);

    public async Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        var bytes = TicketSerializer.Default.Serialize(ticket);
        var expiresAt = ExpiresAt(ticket);
        // Only a session that still exists is renewed: a renewal never brings back a session signed out meanwhile.
        await db.PortalSessions.Where(s => s.Id == key)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.Ticket, bytes).SetProperty(s => s.ExpiresAt, expiresAt), cancellationToken);
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, CancellationToken.None);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken)
    {
        if (key.Length > 64)
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        var now = time.GetUtcNow();
        var ticket = await db.PortalSessions.AsNoTracking().Where(s => s.Id == key && s.ExpiresAt > now).Select(s => s.Ticket).FirstOrDefaultAsync(cancellationToken);
        return ticket is null ? null : TicketSerializer.Default.Deserialize(ticket);
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, CancellationToken.None);

    public async Task RemoveAsync(string key, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        await db.PortalSessions.Where(s => s.Id == key).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Removes the sessions that expired; returns how many.</summary>
    public static Task<int> PurgeExpiredAsync(PlatformDbContext db, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.PortalSessions.Where(s => s.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);

    private DateTimeOffset ExpiresAt(AuthenticationTicket ticket) => ticket.Properties.ExpiresUtc ?? time.GetUtcNow() + PortalAuthentication.SessionLength;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
