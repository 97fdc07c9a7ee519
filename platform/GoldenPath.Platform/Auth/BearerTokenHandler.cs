using System.Security.Claims;
using System.Text.Encodings.Web;
using GoldenPath.Platform.Data;
using GoldenPath.Platform.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer gpt_...</c> against the stored token hashes (and the bootstrap admin
/// token from configuration). A request without a token is anonymous; a bad, expired or revoked token fails
/// with a 401 problem that says which, or with 429 and Retry-After when its client failed too often
/// (<see cref="AuthenticationFailureLimiter"/>); a valid token is accepted whatever others sent from the same address.
/// </summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    PlatformDbContext db,
    LookupCache lookups,
    AuthenticationFailureLimiter failures,
    IOptions<PlatformOptions> platform,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    private const string RetryAfterItem = "GoldenPath.AuthenticationRetryAfter";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        // A valid token is always accepted: others failing from the same address (an ingress, a NAT) must not lock it out.
        var result = await AuthenticateTokenAsync(header);
        if (result.Failure is null)
        {
            return result;
        }

        var client = ClientAddress.Key(Context);
        if (failures.TryRecordFailure(client, out var retryAfter))
        {
            return result;
        }

        Context.Items[RetryAfterItem] = retryAfter;
        return AuthenticateResult.Fail($"Too many failed authentications from {client}: {result.Failure.Message} " +
            $"Retry after {RetryAfterSeconds(retryAfter)} s (Retry-After); a valid token is accepted at any time.");
    }

    private async Task<AuthenticateResult> AuthenticateTokenAsync(string header)
    {
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return AuthenticateResult.Fail("The Authorization header is not 'Bearer <token>'.");
        }

        var secret = header[7..].Trim();
        if (platform.Value.BootstrapToken is { Length: > 0 } bootstrap && TokenHasher.FixedTimeEquals(secret, bootstrap))
        {
            return Success("bootstrap", "platform", [Scopes.Admin]);
        }

        var hash = TokenHasher.Hash(secret);
        var token = await lookups.FindTokenAsync(db, hash, Context.RequestAborted);
        if (token is null)
        {
            return AuthenticateResult.Fail("The bearer token is not known to the platform. Ask a platform admin for a token (POST /api/v1/tokens).");
        }

        if (token.RevokedAt is { } revoked)
        {
            return AuthenticateResult.Fail($"The bearer token {token.Id} was revoked at {revoked:O}.");
        }

        if (token.ExpiresAt is { } expires && expires <= time.GetUtcNow())
        {
            return AuthenticateResult.Fail($"The bearer token {token.Id} expired at {expires:O}.");
        }

        return Success(token.Id, token.Team, token.Scopes);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        if (Context.Items[RetryAfterItem] is TimeSpan retryAfter)
        {
            Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Problems.Write(Context, StatusCodes.Status429TooManyRequests, "Too many requests", failure!);
            return;
        }

        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Write(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            failure ?? "This endpoint needs a bearer token: send 'Authorization: Bearer <token>'.");
    }

    private static int RetryAfterSeconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    private AuthenticateResult Success(string id, string team, IEnumerable<string> scopes)
    {
        var claims = new List<Claim> { new(Scopes.TokenIdClaim, id), new(Scopes.TeamClaim, team) };
        claims.AddRange(scopes.Select(s => new Claim(Scopes.ScopeClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, Scopes.TokenIdClaim, null));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
