using System.Security.Claims;
using GoldenPath.Platform.Auth;
using GoldenPath.Platform.Data;
using GoldenPath.Platform.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Portal;

/// <summary>
/// How a person signs in to the portal: with the company's identity provider (OpenID Connect, ASP.NET Core's own
/// handler, configured under <c>Authentication:Schemes:OpenIdConnect</c>), or by exchanging a platform token with the
/// <c>read</c> scope for a cookie. Either way the cookie carries the scope <c>read</c> only, never a token.
/// </summary>
internal static partial class PortalAuthentication
{
    public const string CookieScheme = "Portal";
    public const string OpenIdConnectScheme = OpenIdConnectDefaults.AuthenticationScheme;
    public const string OpenIdConnectSection = "Authentication:Schemes:OpenIdConnect";
    public const string Policy = "portal-read";
    public const string CookieName = "goldenpath-portal";
    public const string SourceClaim = "goldenpath_source";
    public const string SignInPath = "/portal/signin";

    public static readonly TimeSpan SessionLength = TimeSpan.FromHours(8);

    /// <summary>The application name of the shared key ring: every replica protects and reads with the same keys.</summary>
    public const string DataProtectionApplication = "GoldenPath.Platform";

    public static void AddPortalAuthentication(this IHostApplicationBuilder builder)
    {
        // The portal's cookies and antiforgery tokens are protected with keys every replica reads from the platform's store,
        // so that a cookie or form one replica hands out is read by any other.
        // The keys are encrypted with the configured certificate before they are stored (GoldenPath:Platform:KeyRing), so
        // that reading the store is not enough to make a cookie.
        builder.Services.AddDataProtection().SetApplicationName(DataProtectionApplication).PersistKeysToDbContext<PlatformDbContext>()
            .ProtectKeysWithConfiguredCertificates(builder.Configuration, builder.Environment);
        // The session itself stays in the store; the cookie names it. Signing out deletes it on every replica.
        builder.Services.AddSingleton<PortalSessionStore>();
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieScheme)
            .Configure<PortalSessionStore>((options, sessions) => options.SessionStore = sessions);

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
                    var signIn = context.HttpContext.RequestServices.GetRequiredService<IOptions<PlatformOptions>>().Value.PortalSignIn;
                    if (FromIdentityProvider(context.Principal!, signIn) is { } admitted)
                    {
                        context.Principal = admitted;
                    }
                    else
                    {
                        context.Fail(new NotAdmittedException(NameOf(context.Principal!), signIn.ClaimType));
                    }

                    return Task.CompletedTask;
                };
                options.Events.OnRemoteFailure = RemoteFailureAsync;
            });
        }
    }

    /// <summary>A person the identity provider signed in whose claims the platform does not admit to the portal.</summary>
    internal sealed class NotAdmittedException(string name, string claimType)
        : Exception($"The identity provider signed in '{name}', whose '{claimType}' claims match none of GoldenPath:Platform:PortalSignIn's PlatformReaders or TeamReaders.")
    {
        public string Name { get; } = name;

        public string ClaimType { get; } = claimType;
    }

    /// <summary>
    /// A callback that fails (forged, replayed, expired, or a person not admitted) is answered with a page that says why,
    /// 400 or 403, and counts as a failed sign-in of the client's address, like a wrong token in the sign-in form; past
    /// the address's budget, with 429. Only failures are refused: a sign-in that the provider completes and the platform
    /// admits always goes through, so a neighbour behind the same address who posts forged callbacks locks nobody out.
    /// </summary>
    private static async Task RemoteFailureAsync(RemoteFailureContext context)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        var failures = http.RequestServices.GetRequiredService<AuthenticationFailureLimiter>();
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PortalAuthentication));
        var address = ClientAddress.Key(http);
        if (!failures.TryRecordFailure(address, out var retryAfter))
        {
            await TooManyFailuresAsync(http, retryAfter);
            return;
        }

        if (context.Failure is NotAdmittedException refused)
        {
            NotAdmitted(logger, refused.Name, refused.ClaimType, address);
            await PortalExtensions.WriteMessagePageAsync(http, StatusCodes.Status403Forbidden, "Not admitted to the portal",
                $"Your company account ({refused.Name}) holds none of the '{refused.ClaimType}' claims this platform admits to the portal. " +
                "Ask the platform team to admit your group or role (GoldenPath:Platform:PortalSignIn), or sign in with a platform token that has the scope 'read'.");
            return;
        }

        CallbackRefused(logger, address, context.Failure?.Message ?? "no reason given");
        await PortalExtensions.WriteMessagePageAsync(http, StatusCodes.Status400BadRequest, "Sign-in failed",
            "This answer from the identity provider could not be accepted: it does not belong to a sign-in this browser started here, " +
            "it was already used, or it expired. Start again from the sign-in page.");
    }

    private static Task TooManyFailuresAsync(HttpContext http, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return PortalExtensions.WriteMessagePageAsync(http, StatusCodes.Status429TooManyRequests, "Too many failed sign-ins",
            $"Too many failed sign-ins from this address: retry in {seconds} s.");
    }

    [LoggerMessage(2131, LogLevel.Warning, "Refused an OpenID Connect callback from {Address}: {Reason}")]
    private static partial void CallbackRefused(ILogger logger, string address, string reason);

    [LoggerMessage(2132, LogLevel.Warning, "The identity provider signed in '{Name}' from {Address}, whose '{ClaimType}' claims the platform does not admit to the portal (GoldenPath:Platform:PortalSignIn).")]
    private static partial void NotAdmitted(ILogger logger, string name, string claimType, string address);

    public static bool OpenIdConnectConfigured(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration[$"{OpenIdConnectSection}:Authority"]);

    /// <summary>
    /// A person the identity provider vouches for reads what a <c>read</c> token reads, and nothing more: as a reader of every
    /// team when a claim of theirs is one of <see cref="PortalSignInOptions.PlatformReaders"/>, else as the reader of the
    /// first team (in the setting's order) one of their claims maps to; null when none does.
    /// </summary>
    public static ClaimsPrincipal? FromIdentityProvider(ClaimsPrincipal external, PortalSignInOptions signIn)
    {
        var held = external.Claims.Where(c => IsOfType(c, signIn.ClaimType)).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        if (signIn.PlatformReaders.Any(held.Contains))
        {
            return Principal(NameOf(external), null, null, "oidc");
        }

        return signIn.TeamReaders.FirstOrDefault(t => held.Contains(t.Value)) is { } team
            ? Principal($"{NameOf(external)} (team {team.Team})", null, team.Team, "oidc")
            : null;
    }

    /// <summary>
    /// The names a role claim goes by: identity providers send <c>roles</c> (Entra ID, the JWT profile of RFC 9068) or
    /// <c>role</c>, and ASP.NET Core's handler maps both to <see cref="ClaimTypes.Role"/> unless <c>MapInboundClaims</c>
    /// is off. A setting that names any of them means roles, however this provider and this handler name them.
    /// </summary>
    internal static readonly string[] RoleClaimTypes = ["roles", "role", ClaimTypes.Role];

    /// <summary>A claim of the configured type (any name of a role claim when it is one of <see cref="RoleClaimTypes"/>).</summary>
    private static bool IsOfType(Claim claim, string type) =>
        RoleClaimTypes.Contains(type, StringComparer.Ordinal)
            ? RoleClaimTypes.Any(name => IsNamed(claim, name))
            : IsNamed(claim, type);

    /// <summary>A claim named as the ID token names it, also when the handler mapped it to a longer name (<c>groups</c> stays, <c>roles</c> becomes <see cref="ClaimTypes.Role"/>).</summary>
    private static bool IsNamed(Claim claim, string type) =>
        string.Equals(claim.Type, type, StringComparison.Ordinal)
        || (Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler.DefaultInboundClaimTypeMap.TryGetValue(type, out var mapped) && string.Equals(claim.Type, mapped, StringComparison.Ordinal))
        || (claim.Properties.TryGetValue("http://schemas.xmlsoap.org/ws/2005/05/identitystructuralelements/claimproperties/ShortTypeName", out var shortName)
            && string.Equals(shortName, type, StringComparison.Ordinal));

    private static string NameOf(ClaimsPrincipal external) =>
        external.FindFirstValue("name") ?? external.FindFirstValue("preferred_username") ?? external.FindFirstValue(ClaimTypes.NameIdentifier) ?? "signed in";

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
