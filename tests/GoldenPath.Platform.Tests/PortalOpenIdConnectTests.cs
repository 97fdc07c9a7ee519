using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GoldenPath.Platform.Tests;

/// <summary>Signing in to the portal through an OpenID Connect provider configured by the standard settings alone.</summary>
public sealed class PortalOpenIdConnectTests(SqliteStore store) : IClassFixture<SqliteStore>
{
    private const string ClientId = "goldenpath-portal";
    private const string ClientSecret = "client-secret-of-the-portal";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APersonTheIdentityProviderSignsInReadsThePortalWithCodeFlowAndPkceAndNoTokenKept()
    {
        await using var provider = await FakeProvider.StartAsync();
        provider.Groups = ["staff", "portal-readers"];
        await using var handle = await StartAsync(provider);
        var platform = handle.App;
        var seed = await PortalSeed.WriteAsync(platform);
        using var session = new PortalSession(platform);

        var signInPage = await session.TextAsync($"/portal/signin?ReturnUrl=/portal/teams/{seed.TeamA}");
        using var challenge = await session.GetAsync($"/portal/signin?handler=OpenIdConnect&returnUrl=/portal/teams/{seed.TeamA}");
        var authorize = challenge.Headers.Location!;
        var query = System.Web.HttpUtility.ParseQueryString(authorize.Query);
        provider.Expect(query["nonce"]!, query["code_challenge"]!);
        using var callback = await CallbackAsync(session, query);
        using var team = await session.GetAsync(callback.Headers.Location!.OriginalString);
        var teamPage = await team.Content.ReadAsStringAsync(Ct);

        Assert.Contains("Sign in with your company account", signInPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.Equal($"{provider.Issuer}/authorize", authorize.GetLeftPart(UriPartial.Path));
        Assert.Equal((ClientId, "code", "S256"), (query["client_id"], query["response_type"], query["code_challenge_method"]));
        Assert.Equal($"{session.BaseAddress.GetLeftPart(UriPartial.Authority)}/portal/signin-oidc", query["redirect_uri"]);
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.True(provider.CodeRedeemedWithVerifierAndSecret);
        Assert.Equal($"/portal/teams/{seed.TeamA}", callback.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, team.StatusCode);
        Assert.Contains("Signed in: Ada Lovelace</span>", teamPage, StringComparison.Ordinal);
        Assert.Contains(seed.Busy, teamPage, StringComparison.Ordinal);
        var cookie = session.PortalCookie!;
        Assert.True(cookie.HttpOnly);
        Assert.True(cookie.Value.Length < 1500, "the cookie holds who signed in, not the provider's tokens");
        Assert.DoesNotContain(provider.LastIdToken!, teamPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APersonWhoseGroupsTheSettingDoesNotAdmitIsRefusedWithAPageThatSaysWhyAndNoSession()
    {
        await using var provider = await FakeProvider.StartAsync();
        provider.Groups = ["staff", "contractors"];
        await using var handle = await StartAsync(provider);
        var seed = await PortalSeed.WriteAsync(handle.App);
        using var session = new PortalSession(handle.App);

        using var callback = await SignInThroughProviderAsync(session, provider);
        var page = System.Net.WebUtility.HtmlDecode(await callback.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.Forbidden, callback.StatusCode);
        Assert.Contains("Ada Lovelace", page, StringComparison.Ordinal);
        Assert.Contains("holds none of the 'groups' claims", page, StringComparison.Ordinal);
        Assert.Contains("GoldenPath:Platform:PortalSignIn", page, StringComparison.Ordinal);
        Assert.StartsWith("default-src 'none'", callback.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Null(session.PortalCookie);
        Assert.Equal(HttpStatusCode.Redirect, (await session.GetAsync($"/portal/teams/{seed.TeamA}")).StatusCode);
    }

    [Fact]
    public async Task WithNoClaimSettingNobodyTheProviderSignsInIsAdmitted()
    {
        await using var provider = await FakeProvider.StartAsync();
        provider.Groups = ["portal-readers"];
        await using var handle = await store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), ProviderSettings(provider));
        using var session = new PortalSession(handle.App);

        using var callback = await SignInThroughProviderAsync(session, provider);

        Assert.Equal(HttpStatusCode.Forbidden, callback.StatusCode);
        Assert.Null(session.PortalCookie);
    }

    [Fact]
    public async Task AGroupMappedToATeamSignsItsHolderInAsThatTeamsReaderAndRolesWorkAsTheClaimType()
    {
        await using var provider = await FakeProvider.StartAsync();
        provider.Roles = ["payments-developers"];
        await using var handle = await store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), new(ProviderSettings(provider))
        {
            ["GoldenPath:Platform:PortalSignIn:ClaimType"] = "roles",
            ["GoldenPath:Platform:PortalSignIn:PlatformReaders:0"] = "platform-team",
            ["GoldenPath:Platform:PortalSignIn:TeamReaders:0:Value"] = "checkout-developers",
            ["GoldenPath:Platform:PortalSignIn:TeamReaders:0:Team"] = "checkout",
            ["GoldenPath:Platform:PortalSignIn:TeamReaders:1:Value"] = "payments-developers",
            ["GoldenPath:Platform:PortalSignIn:TeamReaders:1:Team"] = "payments",
        });
        var seed = await PortalSeed.WriteAsync(handle.App);
        using var session = new PortalSession(handle.App);
        // The class's tests share a store, and others sign Ada in as a payments reader too: this sign-in's session is the row it adds.
        var before = (await SessionsAsync(handle.App)).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);

        using var callback = await SignInThroughProviderAsync(session, provider);
        var catalog = await session.TextAsync("/portal");
        var added = Assert.Single(await SessionsAsync(handle.App), s => !before.Contains(s.Id));
        var principal = Microsoft.AspNetCore.Authentication.TicketSerializer.Default.Deserialize(added.Ticket)!.Principal;

        Assert.Equal("Ada Lovelace (team payments)", principal.Identity!.Name);

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Contains("Signed in: Ada Lovelace (team payments)", catalog, StringComparison.Ordinal);
        Assert.Contains(seed.Busy, catalog, StringComparison.Ordinal);
        Assert.Equal("payments", principal.FindFirst("team")?.Value);
        Assert.Equal(["read"], principal.FindAll("scope").Select(c => c.Value));
        Assert.Null(principal.FindFirst("token_id"));
    }

    [Theory]
    [InlineData("roles", "role", false)]
    [InlineData("role", "roles", false)]
    [InlineData(ClaimTypes.Role, "roles", false)]
    [InlineData("roles", "roles", true)]
    [InlineData("roles", "role", true)]
    [InlineData(ClaimTypes.Role, "role", true)]
    public async Task ASettingThatNamesRolesMatchesTheRoleClaimWhateverTheProviderAndTheClaimMappingCallIt(string configured, string sent, bool mapInboundClaims)
    {
        await using var provider = await FakeProvider.StartAsync();
        provider.Roles = ["platform-team"];
        provider.RoleClaimName = sent;
        await using var handle = await store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), new(ProviderSettings(provider))
        {
            ["Authentication:Schemes:OpenIdConnect:MapInboundClaims"] = mapInboundClaims ? "true" : "false",
            ["GoldenPath:Platform:PortalSignIn:ClaimType"] = configured,
            ["GoldenPath:Platform:PortalSignIn:PlatformReaders:0"] = "platform-team",
        });
        using var session = new PortalSession(handle.App);

        using var callback = await SignInThroughProviderAsync(session, provider);

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.NotNull(session.PortalCookie);
    }

    [Fact]
    public async Task ARoleIsNotAGroupNorAGroupARole()
    {
        await using var provider = await FakeProvider.StartAsync();
        provider.Roles = ["platform-team"];
        provider.Groups = ["payments-developers"];
        await using var handle = await store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), new(ProviderSettings(provider))
        {
            ["GoldenPath:Platform:PortalSignIn:ClaimType"] = "groups",
            ["GoldenPath:Platform:PortalSignIn:PlatformReaders:0"] = "platform-team",
            ["GoldenPath:Platform:PortalSignIn:TeamReaders:0:Value"] = "payments-developers",
            ["GoldenPath:Platform:PortalSignIn:TeamReaders:0:Team"] = "payments",
        });
        using var groups = new PortalSession(handle.App);
        using var asGroup = await SignInThroughProviderAsync(groups, provider);
        await using var rolesHandle = await store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), new(ProviderSettings(provider))
        {
            ["GoldenPath:Platform:PortalSignIn:ClaimType"] = "roles",
            ["GoldenPath:Platform:PortalSignIn:TeamReaders:0:Value"] = "payments-developers",
            ["GoldenPath:Platform:PortalSignIn:TeamReaders:0:Team"] = "payments",
        });
        using var roles = new PortalSession(rolesHandle.App);
        using var asRole = await SignInThroughProviderAsync(roles, provider);
        var page = System.Net.WebUtility.HtmlDecode(await asRole.Content.ReadAsStringAsync(Ct));

        // With groups configured, the role 'platform-team' admits nobody as a platform reader: Ada is only the payments group's reader.
        Assert.Equal(HttpStatusCode.Redirect, asGroup.StatusCode);
        Assert.Contains("Signed in: Ada Lovelace (team payments)", await groups.TextAsync("/portal"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, asRole.StatusCode);
        Assert.Contains("holds none of the 'roles' claims", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AForgedOrReplayedCallbackIsAnsweredWithA400PageRepeatedFailuresWithA429AndAValidSignInStillGoesThrough()
    {
        await using var provider = await FakeProvider.StartAsync();
        provider.Groups = ["portal-readers"];
        await using var handle = await StartAsync(provider, new() { ["GoldenPath:Platform:FailedAuthenticationBurst"] = "3" });
        using var session = new PortalSession(handle.App);
        var callbackUrl = "/portal/signin-oidc";

        // A real sign-in, then its callback replayed: its correlation cookie is spent.
        var (signedIn, form) = await SignInThroughProviderWithFormAsync(session, provider);
        signedIn.Dispose();
        using var replayed = await session.Http.PostAsync(callbackUrl, new FormUrlEncodedContent(form), Ct);
        // A callback nobody started: a state made up by an attacker.
        using var forged = await session.Http.PostAsync(callbackUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["code"] = FakeProvider.Code, ["state"] = "CfDJ8forged-state-of-an-attacker",
        }), Ct);
        using var noState = await session.Http.PostAsync(callbackUrl, new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = "x" }), Ct);
        // The address has used its three failures: the next failing callback is answered 429.
        using var limited = await session.Http.PostAsync(callbackUrl, new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = "x", ["state"] = "y" }), Ct);
        // Only failures are refused: a person behind the same address (a neighbour posted the forged callbacks) still
        // signs in, start to end.
        using var neighbour = new PortalSession(handle.App);
        using var admitted = await SignInThroughProviderAsync(neighbour, provider);

        foreach (var refused in new[] { replayed, forged, noState })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("could not be accepted", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Contains("Too many failed sign-ins from this address", await limited.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal(HttpStatusCode.Redirect, admitted.StatusCode);
        Assert.NotNull(neighbour.PortalCookie);
        Assert.Contains("Signed in:", await neighbour.TextAsync("/portal"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAnAuthorityThePortalOffersNoCompanySignIn()
    {
        await using var handle = await store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow));
        using var session = new PortalSession(handle.App);

        Assert.DoesNotContain("company account", await session.TextAsync("/portal/signin"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await session.GetAsync("/portal/signin?handler=OpenIdConnect")).StatusCode);
    }

    private static Task<List<GoldenPath.Platform.Data.PortalSessionEntity>> SessionsAsync(PlatformApp platform) =>
        platform.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.PortalSessions, Ct));

    private static Dictionary<string, string?> ProviderSettings(FakeProvider provider) => new()
    {
        ["Authentication:Schemes:OpenIdConnect:Authority"] = provider.Issuer,
        ["Authentication:Schemes:OpenIdConnect:ClientId"] = ClientId,
        ["Authentication:Schemes:OpenIdConnect:ClientSecret"] = ClientSecret,
        ["Authentication:Schemes:OpenIdConnect:RequireHttpsMetadata"] = "false",
    };

    /// <summary>The provider's settings, and the group <c>portal-readers</c> admitted as a reader of every team.</summary>
    private Task<PlatformAppHandle> StartAsync(FakeProvider provider, Dictionary<string, string?>? more = null)
    {
        var settings = ProviderSettings(provider);
        settings["GoldenPath:Platform:PortalSignIn:PlatformReaders:0"] = "portal-readers";
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), settings);
    }

    /// <summary>The provider's form posts the code back to the redirect URI, as the browser would.</summary>
    private static Task<HttpResponseMessage> CallbackAsync(PortalSession session, System.Collections.Specialized.NameValueCollection query) =>
        session.Http.PostAsync(query["redirect_uri"], new FormUrlEncodedContent(Form(query)), Ct);

    private static Dictionary<string, string> Form(System.Collections.Specialized.NameValueCollection query) => new() { ["code"] = FakeProvider.Code, ["state"] = query["state"]! };

    private static async Task<HttpResponseMessage> SignInThroughProviderAsync(PortalSession session, FakeProvider provider) =>
        (await SignInThroughProviderWithFormAsync(session, provider)).Response;

    /// <summary>Starts a sign-in, lets the provider sign Ada in, and posts its answer back; returns the platform's answer and the form posted.</summary>
    private static async Task<(HttpResponseMessage Response, Dictionary<string, string> Form)> SignInThroughProviderWithFormAsync(PortalSession session, FakeProvider provider)
    {
        using var challenge = await session.GetAsync("/portal/signin?handler=OpenIdConnect");
        var query = System.Web.HttpUtility.ParseQueryString(challenge.Headers.Location!.Query);
        provider.Expect(query["nonce"]!, query["code_challenge"]!);
        return (await CallbackAsync(session, query), Form(query));
    }

    /// <summary>An OpenID Connect provider on loopback: discovery, keys, and a token endpoint that checks PKCE and the client secret.</summary>
    private sealed class FakeProvider : IAsyncDisposable
    {
        public const string Code = "the-authorization-code";

        private readonly WebApplication _app;
        private readonly RSA _rsa = RSA.Create(2048);
        private string? _nonce;
        private string? _challenge;

        private FakeProvider(WebApplication app) => _app = app;

        public string Issuer { get; private set; } = "";

        public bool CodeRedeemedWithVerifierAndSecret { get; private set; }

        public string? LastIdToken { get; private set; }

        public IReadOnlyList<string> Groups { get; set; } = [];

        public IReadOnlyList<string> Roles { get; set; } = [];

        /// <summary>What the provider calls the roles claim in its ID tokens (<c>roles</c> for Entra ID, <c>role</c> for others).</summary>
        public string RoleClaimName { get; set; } = "roles";

        public void Expect(string nonce, string challenge) => (_nonce, _challenge) = (nonce, challenge);

        public static async Task<FakeProvider> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var provider = new FakeProvider(app);
            var key = new RsaSecurityKey(provider._rsa) { KeyId = "key-1" };
            app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = provider.Issuer, ["authorization_endpoint"] = $"{provider.Issuer}/authorize", ["token_endpoint"] = $"{provider.Issuer}/token",
                ["jwks_uri"] = $"{provider.Issuer}/jwks", ["response_types_supported"] = new[] { "code" }, ["subject_types_supported"] = new[] { "public" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            }));
            app.MapGet("/jwks", () =>
            {
                var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(key);
                return Results.Json(new { keys = new[] { new { kty = jwk.Kty, n = jwk.N, e = jwk.E, kid = jwk.Kid, alg = "RS256", use = "sig" } } });
            });
            app.MapPost("/token", async (HttpContext context) =>
            {
                var form = await context.Request.ReadFormAsync();
                var verifier = form["code_verifier"].ToString();
                var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
                provider.CodeRedeemedWithVerifierAndSecret = form["code"] == Code && challenge == provider._challenge && form["client_secret"] == ClientSecret && form["client_id"] == ClientId;
                if (!provider.CodeRedeemedWithVerifierAndSecret)
                {
                    return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
                }

                const string accessToken = "provider-access-token";
                var hash = SHA256.HashData(Encoding.ASCII.GetBytes(accessToken));
                var now = DateTime.UtcNow;
                provider.LastIdToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
                {
                    Issuer = provider.Issuer, Audience = ClientId, IssuedAt = now, NotBefore = now, Expires = now.AddMinutes(5),
                    Subject = new ClaimsIdentity([new Claim("sub", "ada"), new Claim("name", "Ada Lovelace"), new Claim("nonce", provider._nonce!),
                        new Claim("at_hash", Base64UrlEncoder.Encode(hash[..16])), .. provider.Groups.Select(g => new Claim("groups", g)), .. provider.Roles.Select(r => new Claim(provider.RoleClaimName, r))]),
                    SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
                });
                return Results.Json(new { id_token = provider.LastIdToken, access_token = accessToken, token_type = "Bearer", expires_in = 300 });
            });
            await app.StartAsync();
            provider.Issuer = app.Urls.Single();
            return provider;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.DisposeAsync();
            _rsa.Dispose();
        }
    }
}
