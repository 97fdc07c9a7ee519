using System.Net;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// The portal's Data Protection key ring is encrypted with a certificate before it is stored (GoldenPath:Platform:KeyRing),
/// a certificate is replaced without signing anyone out, and a platform without the certificate refuses the ring rather
/// than write a key of its own; on SQLite and on PostgreSQL, each test on a store of its own.
/// </summary>
public abstract class PortalKeyRingTests(IPlatformStore store) : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly List<string> _folders = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithACertificateTheStoredKeyHoldsNoSecretInClearAndSigningInWorks()
    {
        using var files = new KeyRingCertificates();
        using var certificate = KeyRingCertificates.Create("goldenpath-key-ring");
        const string password = "pfx-password-7f3a";
        var settings = With(await FreshStoreAsync(), KeyRingCertificates.Current(files.Pfx(certificate, password), password));
        await using var platform = Start(settings);
        var reader = await platform.TokenAsync("team-keys", "read");
        using var browser = new PortalSession(platform);

        using var signIn = await browser.SignInAsync(reader);
        var page = await browser.TextAsync("/portal");
        var keys = await StoredKeysAsync(platform);

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Contains("Signed in: team team-keys", page, StringComparison.Ordinal);
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.False(KeyRingCertificates.InClear(xml), $"A key is stored in clear:\n{xml}");
            Assert.True(KeyRingCertificates.EncryptedFor(xml, certificate), $"A key is not encrypted for the configured certificate:\n{xml}");
        });
    }

    [Fact]
    public async Task ACertificateMovedToPreviousStillReadsItsSessionsNewKeysUseTheNewOneAndAPlatformWithoutItRefusesToStart()
    {
        using var files = new KeyRingCertificates();
        using var old = KeyRingCertificates.Create("goldenpath-key-ring-2026");
        using var next = KeyRingCertificates.Create("goldenpath-key-ring-2027");
        var (oldPem, nextPem) = (files.Pem(old, "old"), files.Pem(next, "next"));
        var storeSettings = await FreshStoreAsync();
        string cookie;
        await using (var first = Start(With(storeSettings, KeyRingCertificates.Current(oldPem))))
        {
            using var browser = new PortalSession(first);
            using var signIn = await browser.SignInAsync(await first.TokenAsync("team-keys", "read"));
            cookie = browser.PortalCookie?.Value ?? throw new InvalidOperationException($"No portal cookie after signing in: {(int)signIn.StatusCode}");
        }

        // The certificate left out entirely, and replaced without being kept as a previous one.
        var withoutAny = Assert.ThrowsAny<Exception>(() => Start(storeSettings));
        var withoutOld = Assert.ThrowsAny<Exception>(() => Start(With(storeSettings, KeyRingCertificates.Current(nextPem))));

        var rotatedSettings = With(storeSettings, KeyRingCertificates.Current(nextPem));
        rotatedSettings[$"{KeyRingCertificates.Section}:PreviousCertificates:0:Path"] = oldPem.Certificate;
        rotatedSettings[$"{KeyRingCertificates.Section}:PreviousCertificates:0:KeyPath"] = oldPem.Key;
        await using var rotated = Start(rotatedSettings);
        using var oldSession = await PortalSession.WithCookieAsync(rotated.Anonymous.BaseAddress!, "/portal", cookie);
        var oldSessionPage = await oldSession.Content.ReadAsStringAsync(Ct);
        var made = rotated.Services.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
        var keys = await StoredKeysAsync(rotated);

        foreach (var refused in new[] { withoutAny, withoutOld })
        {
            var message = refused.ToString();
            Assert.Contains("data_protection_keys", message, StringComparison.Ordinal);
            Assert.Contains(old.Thumbprint, message, StringComparison.Ordinal);
            Assert.Contains("GoldenPath:Platform:KeyRing:Certificate:Path", message, StringComparison.Ordinal);
            Assert.Contains("GoldenPath:Platform:KeyRing:PreviousCertificates:0:Path", message, StringComparison.Ordinal);
        }

        Assert.True(oldSession.StatusCode == HttpStatusCode.OK, $"A session of the old certificate was answered {(int)oldSession.StatusCode} {oldSession.Headers.Location}");
        Assert.Contains("Signed in: team team-keys", oldSessionPage, StringComparison.Ordinal);
        var newKey = Assert.Single(keys, xml => xml.Contains(made.KeyId.ToString(), StringComparison.Ordinal));
        Assert.True(KeyRingCertificates.EncryptedFor(newKey, next), $"The new key is not encrypted for the new certificate:\n{newKey}");
        Assert.False(KeyRingCertificates.EncryptedFor(newKey, old));
        // The refused starts wrote nothing: every key is still encrypted.
        Assert.All(keys, xml => Assert.False(KeyRingCertificates.InClear(xml), $"A key is stored in clear:\n{xml}"));
    }

    [Fact]
    public async Task KeysStoredInClearBeforeACertificateStillReadUntilTheDocumentedDeleteRetiresThem()
    {
        using var files = new KeyRingCertificates();
        using var certificate = KeyRingCertificates.Create("goldenpath-key-ring");
        var storeSettings = await FreshStoreAsync();
        var withCertificate = With(storeSettings, KeyRingCertificates.Current(files.Pfx(certificate, null), null));
        string cookie;
        await using (var before = Start(storeSettings))
        {
            using var browser = new PortalSession(before);
            using var signIn = await browser.SignInAsync(await before.TokenAsync("team-keys", "read"));
            cookie = browser.PortalCookie?.Value ?? throw new InvalidOperationException($"No portal cookie after signing in: {(int)signIn.StatusCode}");
        }

        var logs = new LogLines();
        HttpStatusCode oldSessionWithClearKey;
        await using (var after = Start(withCertificate, logs))
        {
            using var oldSession = await PortalSession.WithCookieAsync(after.Anonymous.BaseAddress!, "/portal", cookie);
            oldSessionWithClearKey = oldSession.StatusCode;
            // What docs/operations.md tells the operator to run once every replica has the certificate, before restarting them.
            await after.QueryAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM data_protection_keys WHERE \"Xml\" LIKE '%<masterKey%'", Ct));
        }

        var restartLogs = new LogLines();
        await using var restarted = Start(withCertificate, restartLogs);
        using var oldSessionAfterDelete = await PortalSession.WithCookieAsync(restarted.Anonymous.BaseAddress!, "/portal", cookie);
        using var browserAfter = new PortalSession(restarted);
        using var signInAfter = await browserAfter.SignInAsync(await restarted.TokenAsync("team-keys", "read"));
        var pageAfter = await browserAfter.TextAsync("/portal");
        var keys = await StoredKeysAsync(restarted);

        Assert.Equal(HttpStatusCode.OK, oldSessionWithClearKey);
        Assert.Contains(logs.Lines, l => l.Contains("stored in clear before its certificate was set", StringComparison.Ordinal)
            && l.Contains("DELETE FROM data_protection_keys WHERE \"Xml\" LIKE '%<masterKey%'", StringComparison.Ordinal));
        Assert.Equal("/portal/signin", oldSessionAfterDelete.Headers.Location?.AbsolutePath);
        Assert.Contains("Signed in: team team-keys", pageAfter, StringComparison.Ordinal);
        Assert.NotEmpty(keys);
        Assert.All(keys, xml => Assert.True(KeyRingCertificates.EncryptedFor(xml, certificate), $"A key is not encrypted for the certificate:\n{xml}"));
        Assert.DoesNotContain(restartLogs.Lines, l => l.Contains("stored in clear", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeysOfARetiredCertificateThatWereRevokedNoLongerHoldBackAPlatformWithoutIt()
    {
        using var files = new KeyRingCertificates();
        using var old = KeyRingCertificates.Create("goldenpath-key-ring-2026");
        using var next = KeyRingCertificates.Create("goldenpath-key-ring-2027");
        var storeSettings = await FreshStoreAsync();
        string cookie;
        await using (var first = Start(With(storeSettings, KeyRingCertificates.Current(files.Pfx(old, null, "old.pfx"), null))))
        {
            using var browser = new PortalSession(first);
            using var signIn = await browser.SignInAsync(await first.TokenAsync("team-keys", "read"));
            cookie = browser.PortalCookie?.Value ?? throw new InvalidOperationException($"No portal cookie after signing in: {(int)signIn.StatusCode}");
            first.Services.GetRequiredService<IKeyManager>().RevokeAllKeys(DateTimeOffset.UtcNow.AddMinutes(1), "the certificate goldenpath-key-ring-2026 is retired");
        }

        await using var onlyNext = Start(With(storeSettings, KeyRingCertificates.Current(files.Pfx(next, null, "next.pfx"), null)));
        using var oldSession = await PortalSession.WithCookieAsync(onlyNext.Anonymous.BaseAddress!, "/portal", cookie);
        var made = onlyNext.Services.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
        var keys = await StoredKeysAsync(onlyNext);

        Assert.Equal("/portal/signin", oldSession.Headers.Location?.AbsolutePath);
        Assert.True(KeyRingCertificates.EncryptedFor(Assert.Single(keys, xml => xml.Contains(made.KeyId.ToString(), StringComparison.Ordinal)), next));
    }

    /// <summary>A platform on the test's own store, started; one that fails to start is disposed and its exception thrown.</summary>
    private static PlatformApp Start(Dictionary<string, string?> settings, LogLines? logs = null)
    {
        var app = new PlatformApp(settings.GetValueOrDefault("ConnectionStrings:platform"), settings.GetValueOrDefault("GoldenPath:Platform:DataDirectory"),
            new FakeTimeProvider(Now), settings, logs);
        try
        {
            app.StartServer();
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    private static Task<List<string>> StoredKeysAsync(PlatformApp platform) =>
        platform.QueryAsync(db => db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync(Ct));

    private static Dictionary<string, string?> With(Dictionary<string, string?> settings, Dictionary<string, string?> more) =>
        settings.Concat(more).ToDictionary();

    /// <summary>An empty store of this test's own: a SQLite folder, or a PostgreSQL database on the class's server.</summary>
    private async Task<Dictionary<string, string?>> FreshStoreAsync()
    {
        if (store is PostgresStore postgres)
        {
            return new() { ["ConnectionStrings:platform"] = await Replicas.Replica.CreateDatabaseAsync(await postgres.GetConnectionStringAsync()) };
        }

        var folder = Directory.CreateTempSubdirectory("goldenpath-platform-").FullName;
        _folders.Add(folder);
        return new() { ["GoldenPath:Platform:DataDirectory"] = folder };
    }

    public void Dispose()
    {
        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

public sealed class SqlitePortalKeyRingTests(SqliteStore store) : PortalKeyRingTests(store), IClassFixture<SqliteStore>;

public sealed class PostgresPortalKeyRingTests(PostgresStore store) : PortalKeyRingTests(store), IClassFixture<PostgresStore>;
