using System.Net;
using System.Net.Http.Json;
using GoldenPath.Catalog.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>Who sees the portal's pages, and how the token exchange and its cookie are guarded; on SQLite and on PostgreSQL.</summary>
public abstract class PortalAccessTests(IPlatformStore store)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASignedOutVisitorIsSentToSignInAndSeesNoDataWhileAnonymousReadsAreOff()
    {
        await using var platform = await StartAsync();
        var seed = await PortalSeed.WriteAsync(platform);
        using var visitor = new PortalSession(platform);

        foreach (var page in new[] { "/portal", $"/portal/services/{seed.Busy}", $"/portal/teams/{seed.TeamA}", "/portal/dora", "/portal/adoption" })
        {
            using var response = await visitor.GetAsync(page);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/portal/signin", response.Headers.Location!.AbsolutePath);
            Assert.Equal(page, System.Web.HttpUtility.ParseQueryString(response.Headers.Location.Query)["ReturnUrl"]);
            Assert.DoesNotContain(seed.Busy, body, StringComparison.Ordinal);
            Assert.DoesNotContain(seed.TeamA, body, StringComparison.Ordinal);
        }

        // A bearer token sent to a page does not sign anyone in: only the portal's cookie does.
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/portal");
        bearer.Headers.Authorization = new("Bearer", seed.TeamAReader);
        using var withBearer = await visitor.Http.SendAsync(bearer, Ct);
        Assert.Equal(HttpStatusCode.Redirect, withBearer.StatusCode);
        Assert.DoesNotContain(seed.Busy, await withBearer.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithAnonymousReadsOnTheCatalogIsShownWithoutSigningIn()
    {
        await using var platform = await StartAsync(new() { ["GoldenPath:Platform:AnonymousRead"] = "true" });
        var seed = await PortalSeed.WriteAsync(platform);
        using var visitor = new PortalSession(platform);

        using var response = await visitor.GetAsync($"/portal?team={seed.TeamA}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(seed.Busy, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyAnActiveTokenWithTheReadScopeIsExchangedForACookieAndNeverTheAdminToken()
    {
        await using var platform = await StartAsync();
        var seed = await PortalSeed.WriteAsync(platform);
        var serviceToken = await platform.TokenAsync(seed.TeamA, "instances:write");
        var revoked = await platform.TokenAsync(seed.TeamA, "read");
        await RevokeAsync(platform, revoked);

        foreach (var (token, says) in new[]
                 {
                     (seed.TeamAWriter, "not 'read'"), (serviceToken, "not 'read'"), (PlatformApp.BootstrapToken, "bootstrap admin token does not sign in"),
                     (revoked, "is revoked"), ("gpt_not-a-token-the-platform-knows", "does not know this token"),
                 })
        {
            using var session = new PortalSession(platform);
            using var response = await session.SignInAsync(token);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains(says, WebUtility.HtmlDecode(body), StringComparison.Ordinal);
            Assert.Null(session.PortalCookie);
            Assert.DoesNotContain(token, body, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Redirect, (await session.GetAsync("/portal")).StatusCode);
        }
    }

    [Fact]
    public async Task ASignInFormPostedWithoutItsAntiforgeryTokenIsRefusedAndSetsNoCookie()
    {
        await using var platform = await StartAsync();
        var seed = await PortalSeed.WriteAsync(platform);
        using var forger = new PortalSession(platform);

        // Another site's form posts a token (its own, say) to sign the victim in to the attacker's session.
        using var forged = await forger.SignInAsync(seed.TeamAReader, withAntiforgery: false);
        using var otherSession = new PortalSession(platform);
        var stolenField = await otherSession.AntiforgeryAsync();
        using var replayed = await forger.Http.PostAsync("/portal/signin",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = seed.TeamAReader, ["__antiforgery"] = stolenField }), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.Null(forger.PortalCookie);
        Assert.Equal(HttpStatusCode.Redirect, (await forger.GetAsync("/portal")).StatusCode);
    }

    [Fact]
    public async Task ThePortalCookieIsHttpOnlyLaxLimitedToThePortalAndSecureBehindHttps()
    {
        await using var platform = await StartAsync(new() { ["GoldenPath:Platform:TrustedProxies:0"] = "127.0.0.1", ["GoldenPath:Platform:TrustedProxies:1"] = "::1" });
        var seed = await PortalSeed.WriteAsync(platform);
        using var session = new PortalSession(platform);
        using var secureSession = new PortalSession(platform);
        var field = await secureSession.AntiforgeryAsync();

        using var plain = await session.SignInAsync(seed.TeamAReader);
        using var https = new HttpRequestMessage(HttpMethod.Post, "/portal/signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = seed.TeamAReader, ["__antiforgery"] = field }),
        };
        https.Headers.Add("X-Forwarded-Proto", "https");
        https.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var behindProxy = await secureSession.Http.SendAsync(https, Ct);

        var cookie = Assert.Single(plain.Headers.GetValues("Set-Cookie"), c => c.StartsWith("goldenpath-portal=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/portal", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Redirect, behindProxy.StatusCode);
        var secure = Assert.Single(behindProxy.Headers.GetValues("Set-Cookie"), c => c.StartsWith("goldenpath-portal=", StringComparison.Ordinal));
        Assert.Contains("; secure", secure, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", secure, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(seed.TeamAReader, cookie, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASignedInReaderSeesWhatItsTokenReadsThroughTheApiAndTheSessionEndsWhenTheTokenIsRevoked()
    {
        await using var platform = await StartAsync();
        var seed = await PortalSeed.WriteAsync(platform);
        using var teamB = new PortalSession(platform);

        using var signedIn = await teamB.SignInAsync(seed.TeamBReader, returnUrl: $"/portal/services/{seed.Busy}");
        var page = await teamB.TextAsync($"/portal/services/{seed.Busy}");
        var api = await platform.Client(seed.TeamBReader).GetFromJsonAsync($"/api/v1/services/{seed.Busy}", PlatformJsonContext.Default.ServiceDescription, Ct);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal($"/portal/services/{seed.Busy}", signedIn.Headers.Location!.OriginalString);
        Assert.Contains(api!.Description!, page, StringComparison.Ordinal);
        Assert.All(api.Instances, i => Assert.Contains(i.InstanceId, page, StringComparison.Ordinal));
        foreach (var secret in new[] { seed.TeamBReader, seed.TeamAReader, seed.TeamAWriter, PlatformApp.BootstrapToken })
        {
            Assert.DoesNotContain(secret, page, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("gpt_", page, StringComparison.Ordinal);

        await RevokeAsync(platform, seed.TeamBReader);
        using var afterRevocation = await teamB.GetAsync($"/portal/services/{seed.Busy}");
        Assert.Equal(HttpStatusCode.Redirect, afterRevocation.StatusCode);
        Assert.Equal("/portal/signin", afterRevocation.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task ASignInLinkCannotSendTheReaderToAnotherSite()
    {
        await using var platform = await StartAsync();
        var seed = await PortalSeed.WriteAsync(platform);

        foreach (var target in new[] { "https://evil.example/portal", "//evil.example/portal", "/\\evil.example", "/api/v1/tokens" })
        {
            using var session = new PortalSession(platform);
            using var response = await session.SignInAsync(seed.TeamAReader, returnUrl: target);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/portal", response.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task MarkupInADescriptionIsShownAsTextAndNoPageRunsScript()
    {
        await using var platform = await StartAsync();
        var seed = await PortalSeed.WriteAsync(platform);
        using var session = new PortalSession(platform);
        await session.SignInAsync(seed.TeamAReader);

        using var response = await session.GetAsync($"/portal/services/{seed.Hostile}");
        var page = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<script>document.title", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", page, StringComparison.Ordinal);
        Assert.StartsWith("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheAdoptionPageDoesNotNameATeamWhoseOnlyTraceIsATokenToAnotherTeamsReader()
    {
        await using var platform = await StartAsync();
        var seed = await PortalSeed.WriteAsync(platform);
        var secretTeam = $"team-secret-{Guid.NewGuid().ToString("N")[..6]}";
        await platform.TokenAsync(secretTeam, "instances:write");
        using var reader = new PortalSession(platform);
        (await reader.SignInAsync(seed.TeamBReader)).Dispose();

        using var response = await reader.GetAsync("/portal/adoption");
        var page = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(seed.TeamA, page, StringComparison.Ordinal);
        Assert.DoesNotContain(secretTeam, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACookieCopiedBeforeSignOutIsRefusedAfterIt()
    {
        await using var platform = await StartAsync();
        var seed = await PortalSeed.WriteAsync(platform);
        using var session = new PortalSession(platform);
        (await session.SignInAsync(seed.TeamAReader)).Dispose();
        var copied = session.PortalCookie!.Value;
        using var beforeSignOut = await PortalSession.WithCookieAsync(session.BaseAddress, "/portal", copied);
        var sessions = await platform.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.PortalSessions, Ct));

        using var signedOut = await session.SignOutAsync();
        using var afterSignOut = await PortalSession.WithCookieAsync(session.BaseAddress, "/portal", copied);

        Assert.Equal(HttpStatusCode.OK, beforeSignOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, afterSignOut.StatusCode);
        Assert.Equal("/portal/signin", afterSignOut.Headers.Location!.AbsolutePath);
        Assert.DoesNotContain(seed.Busy, await afterSignOut.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(sessions - 1, await platform.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.PortalSessions, Ct)));
    }

    [Fact]
    public async Task TheCookieNamesASessionTheStoreKeepsAndExpiredSessionsAreRefusedAndDeleted()
    {
        await using var platform = await StartAsync(new() { ["GoldenPath:Platform:BackgroundJobInterval"] = "00:01:00" });
        var seed = await PortalSeed.WriteAsync(platform);
        using var session = new PortalSession(platform);
        (await session.SignInAsync(seed.TeamAReader)).Dispose();
        // The class's tests share a store: every session there is of a token of the seed, signed in at the same fake time.
        var stored = await platform.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.PortalSessions, Ct));

        Assert.NotEmpty(stored);
        Assert.All(stored, s => Assert.DoesNotContain(seed.TeamAReader, System.Text.Encoding.UTF8.GetString(s.Ticket), StringComparison.Ordinal));
        Assert.Contains(platform.Time.GetUtcNow() + TimeSpan.FromHours(8), stored.Select(s => s.ExpiresAt));

        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/portal")).StatusCode);

        // The store's expiry refuses a session on its own, while the cookie's ticket would still be good for hours.
        await platform.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteUpdateAsync(db.PortalSessions,
            u => u.SetProperty(s => s.ExpiresAt, platform.Time.GetUtcNow() - TimeSpan.FromSeconds(1)), Ct));
        using var expired = await session.GetAsync("/portal");
        Assert.Equal(HttpStatusCode.Redirect, expired.StatusCode);

        // The purge runs on the next tick of the background jobs (on the holder of their lease; on SQLite, the one process).
        platform.Time.Advance(TimeSpan.FromMinutes(1));
        await GoldenPath.Tests.Poll.UntilAsync(async () => await platform.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.PortalSessions, Ct)) == 0,
            TimeSpan.FromSeconds(20), "the expired session to be deleted");
    }

    private static async Task RevokeAsync(PlatformApp platform, string secret)
    {
        var hash = GoldenPath.Platform.Auth.TokenHasher.Hash(secret);
        var id = await platform.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Tokens.Where(t => t.Hash == hash).Select(t => t.Id), Ct));
        (await platform.Admin.DeleteAsync($"/api/v1/tokens/{id}", Ct)).EnsureSuccessStatusCode();
    }

    private async Task<PlatformApp> StartAsync(Dictionary<string, string?>? settings = null) =>
        (await store.StartAsync(new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero)), settings)).App;
}

public sealed class SqlitePortalAccessTests(SqliteStore store) : PortalAccessTests(store), IClassFixture<SqliteStore>;

public sealed class PostgresPortalAccessTests(PostgresStore store) : PortalAccessTests(store), IClassFixture<PostgresStore>;
