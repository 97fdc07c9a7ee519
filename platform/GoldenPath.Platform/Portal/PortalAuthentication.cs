using System.Security.Claims;
using GoldenPath.Platform.Auth;
using GoldenPath.Platform.Data;
using GoldenPath.Platform.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Portal;

/// <summary>
/// How a person signs in to the portal: with the company's identity provider (OpenID Connect, ASP.NET Core's own
/// handler, configured under <c>Authentication:Schemes:OpenIdConnect</c>), or by exchanging a platform token with the
/// <c>read</c> scope for a cookie. Either way the cookie carries the scope <c>read</c> only, never a token.
/// </summary>
internal static class PortalAuthentication
{
    public const string CookieScheme = "Portal";
    public const string OpenIdConnectScheme = OpenIdConnectDefaults.AuthenticationScheme;
    public const string OpenIdConnectSection = "Authentication:Schemes:OpenIdConnect";
    public const string Policy = "portal-read";
    public const string CookieName = "goldenpath-portal";
    public const string SourceClaim = "goldenpath_source";
    public const string SignInPath = "/portal/signin";

    public static readonly TimeSpan SessionLength = TimeSpan.FromHours(8);

    public static void AddPortalAuthentication(this IHostApplicationBuilder builder)
    {
        var authentication = builder.Services.AddAuthentication();
        authentication.AddCookie(CookieScheme, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // Lax, not Strict: a link from Backstage or a chat to a portal page must arrive signed in; no page changes anything on a GET.
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.Path = "/portal";
            options.LoginPath = SignInPath;
            options.AccessDeniedPath = SignInPath;
            options.ExpireTimeSpan = SessionLength;
            options.SlidingExpiration = false;
            options.Events.OnValidatePrincipal = ValidateAsync;
        });

        if (OpenIdConnectConfigured(builder.Configuration))
        {
            authentication.AddOpenIdConnect(OpenIdConnectScheme, options =>
            {
                builder.Configuration.GetSection(OpenIdConnectSection).Bind(options);
                options.SignInScheme = CookieScheme;
                options.CallbackPath = "/portal/signin-oidc";
                options.SignedOutCallbackPath = "/portal/signout-callback-oidc";
                options.ResponseType = "code";
                options.UsePkce = true;
                // Tokens from the identity provider are never kept in the cookie: the portal only needs to know who signed in.
                options.SaveTokens = false;
                options.CorrelationCookie.Path = "/portal";
                options.NonceCookie.Path = "/portal";
                // Secure whenever the request is https (directly or through a trusted proxy), like the portal's own cookie.
                options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.Events.OnTokenValidated = context =>
                {
                    context.Principal = FromIdentityProvider(context.Principal!);
                    return Task.CompletedTask;
                };
            });
        }
    }

    public static bool OpenIdConnectConfigured(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration[$"{OpenIdConnectSection}:Authority"]);

    /// <summary>A person the identity provider vouches for reads what a <c>read</c> token reads, and nothing more.</summary>
    public static ClaimsPrincipal FromIdentityProvider(ClaimsPrincipal external)
    {
        var name = external.FindFirstValue("name") ?? external.FindFirstValue("preferred_username") ?? external.FindFirstValue(ClaimTypes.NameIdentifier) ?? "signed in";
        return Principal(name, null, null, "oidc");
    }

    /// <summary>The cookie's principal for a platform token: its id and team, the scope <c>read</c>; never the secret.</summary>
    public static ClaimsPrincipal FromToken(CachedToken token) => Principal($"team {token.Team}", token.Id, token.Team, "token");

    private static ClaimsPrincipal Principal(string name, string? tokenId, string? team, string source)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name), new(Scopes.ScopeClaim, Scopes.Read), new(SourceClaim, source) };
        if (tokenId is not null)
        {
            claims.Add(new Claim(Scopes.TokenIdClaim, tokenId));
        }

        if (team is not null)
        {
            claims.Add(new Claim(Scopes.TeamClaim, team));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieScheme, ClaimTypes.Name, null));
    }

    /// <summary>A cookie made from a token ends when the token is revoked or expires, on the next page.</summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal?.TokenId() is not { } id)
        {
            return;
        }

        var services = context.HttpContext.RequestServices;
        var db = services.GetRequiredService<PlatformDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var token = await db.Tokens.AsNoTracking().Where(t => t.Id == id).Select(t => new { t.RevokedAt, t.ExpiresAt, t.Scopes }).FirstOrDefaultAsync(context.HttpContext.RequestAborted);
        if (token is null || token.RevokedAt is not null || token.ExpiresAt <= now || !token.Scopes.Contains(Scopes.Read))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }

    /// <summary>The portal's pages: signed in through the portal's cookie with <c>read</c>, or anyone while anonymous reads are on.</summary>
    public static void AddPolicy(Microsoft.AspNetCore.Authorization.AuthorizationOptions options, bool anonymousRead) =>
        options.AddPolicy(Policy, policy =>
        {
            policy.AuthenticationSchemes.Add(CookieScheme);
            policy.AddRequirements(new ScopeRequirement(Scopes.Read, anonymousRead, refusesAdmin: true));
        });

    public static IServiceCollection ConfigurePortalPolicy(this IServiceCollection services)
    {
        services.AddOptions<Microsoft.AspNetCore.Authorization.AuthorizationOptions>()
            .Configure<IOptions<PlatformOptions>>((authorization, platform) => AddPolicy(authorization, platform.Value.AnonymousRead));
        return services;
    }
}
