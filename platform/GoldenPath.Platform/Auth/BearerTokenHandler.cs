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
/// with a 401 problem that says which.
/// </summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    PlatformDbContext db,
    LookupCache lookups,
    IOptions<PlatformOptions> platform,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

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
        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Write(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            failure ?? "This endpoint needs a bearer token: send 'Authorization: Bearer <token>'.");
    }

    private AuthenticateResult Success(string id, string team, IEnumerable<string> scopes)
    {
        var claims = new List<Claim> { new(Scopes.TokenIdClaim, id), new(Scopes.TeamClaim, team) };
        claims.AddRange(scopes.Select(s => new Claim(Scopes.ScopeClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, Scopes.TokenIdClaim, null));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
