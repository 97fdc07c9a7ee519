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
        await using var handle = await store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), new()
        {
            ["Authentication:Schemes:OpenIdConnect:Authority"] = provider.Issuer,
            ["Authentication:Schemes:OpenIdConnect:ClientId"] = ClientId,
            ["Authentication:Schemes:OpenIdConnect:ClientSecret"] = ClientSecret,
            ["Authentication:Schemes:OpenIdConnect:RequireHttpsMetadata"] = "false",
        });
        var platform = handle.App;
        var seed = await PortalSeed.WriteAsync(platform);
        using var session = new PortalSession(platform);

        var signInPage = await session.TextAsync($"/portal/signin?ReturnUrl=/portal/teams/{seed.TeamA}");
        using var challenge = await session.GetAsync($"/portal/signin?handler=OpenIdConnect&returnUrl=/portal/teams/{seed.TeamA}");
        var authorize = challenge.Headers.Location!;
        var query = System.Web.HttpUtility.ParseQueryString(authorize.Query);
        provider.Expect(query["nonce"]!, query["code_challenge"]!);
        // The provider's form posts the code back to the redirect URI, as the browser would.
        using var callback = await session.Http.PostAsync(query["redirect_uri"], new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["code"] = FakeProvider.Code, ["state"] = query["state"]!,
        }), Ct);
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
        Assert.Contains("Signed in: Ada Lovelace", teamPage, StringComparison.Ordinal);
        Assert.Contains(seed.Busy, teamPage, StringComparison.Ordinal);
        var cookie = session.PortalCookie!;
        Assert.True(cookie.HttpOnly);
        Assert.True(cookie.Value.Length < 1500, "the cookie holds who signed in, not the provider's tokens");
        Assert.DoesNotContain(provider.LastIdToken!, teamPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAnAuthorityThePortalOffersNoCompanySignIn()
    {
        await using var handle = await store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow));
        using var session = new PortalSession(handle.App);

        Assert.DoesNotContain("company account", await session.TextAsync("/portal/signin"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await session.GetAsync("/portal/signin?handler=OpenIdConnect")).StatusCode);
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
                        new Claim("at_hash", Base64UrlEncoder.Encode(hash[..16]))]),
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
