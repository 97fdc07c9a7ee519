using System.Security.Claims;
using GoldenPath.Platform.Auth;
using GoldenPath.Platform.Data;
using GoldenPath.Platform.Domain;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Portal;

/// <summary>
/// Exchanges a platform token for the portal's cookie: only a token that is known, active and holds the <c>read</c>
/// scope; never the bootstrap admin token. Failures count against the client like failed bearer tokens
/// (<see cref="AuthenticationFailureLimiter"/>), so the sign-in form is no faster way to guess a token than the API.
/// </summary>
internal sealed class TokenExchange(PlatformDbContext db, LookupCache lookups, AuthenticationFailureLimiter failures, IOptions<PlatformOptions> platform, TimeProvider time)
{
    /// <summary>The principal for the cookie, or why the token is refused.</summary>
    public async Task<(ClaimsPrincipal? Principal, string? Refusal)> ExchangeAsync(string? secret, HttpContext context)
    {
        var (principal, refusal) = await CheckAsync(secret?.Trim(), context.RequestAborted);
        if (principal is not null)
        {
            return (principal, null);
        }

        return failures.TryRecordFailure(ClientAddress.Key(context), out var retryAfter)
            ? (null, refusal)
            : (null, $"Too many failed sign-ins from this address: retry in {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))} s.");
    }

    private async Task<(ClaimsPrincipal?, string)> CheckAsync(string? secret, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return (null, "Paste a platform token with the scope 'read'.");
        }

        if (platform.Value.BootstrapToken is { Length: > 0 } bootstrap && TokenHasher.FixedTimeEquals(secret, bootstrap))
        {
            return (null, "The platform's bootstrap admin token does not sign in to the portal: use a token with the scope 'read' (an admin creates one with POST /api/v1/tokens).");
        }

        var token = await lookups.FindTokenAsync(db, TokenHasher.Hash(secret), ct);
        if (token is null)
        {
            return (null, "The platform does not know this token. Ask a platform admin for a token with the scope 'read'.");
        }

        if (token.RevokedAt is not null || token.ExpiresAt <= time.GetUtcNow())
        {
            return (null, $"The token {token.Id} is {(token.RevokedAt is not null ? "revoked" : "expired")}. Ask a platform admin for a new token with the scope 'read'.");
        }

        return token.Scopes.Contains(Scopes.Read)
            ? (PortalAuthentication.FromToken(token), "")
            : (null, $"The token {token.Id} of team '{token.Team}' has the scopes [{string.Join(", ", token.Scopes)}], not 'read': the portal signs in only with a token that has the scope 'read'.");
    }
}
