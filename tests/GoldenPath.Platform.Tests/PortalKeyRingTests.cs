using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
    public async Task KeysStoredInClearBeforeACertificateStillReadAndTheLogSaysHowToRetireThem()
    {
        using var files = new KeyRingCertificates();
        using var certificate = KeyRingCertificates.Create("goldenpath-key-ring");
        var storeSettings = await FreshStoreAsync();
        string cookie;
        await using (var before = Start(storeSettings))
        {
            using var browser = new PortalSession(before);
            using var signIn = await browser.SignInAsync(await before.TokenAsync("team-keys", "read"));
            cookie = browser.PortalCookie?.Value ?? throw new InvalidOperationException($"No portal cookie after signing in: {(int)signIn.StatusCode}");
        }

        var logs = new LogLines();
        await using var after = Start(With(storeSettings, KeyRingCertificates.Current(files.Pfx(certificate, null), null)), logs);
        using var oldSession = await PortalSession.WithCookieAsync(after.Anonymous.BaseAddress!, "/portal", cookie);
        var made = after.Services.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
        var keys = await StoredKeysAsync(after);

        Assert.Equal(HttpStatusCode.OK, oldSession.StatusCode);
        Assert.Contains(logs.Lines, l => l.Contains("stored in clear before its certificate was set", StringComparison.Ordinal)
            && l.Contains("DELETE FROM data_protection_keys WHERE \"Xml\" LIKE '%<masterKey%'", StringComparison.Ordinal));
        Assert.True(KeyRingCertificates.EncryptedFor(Assert.Single(keys, xml => xml.Contains(made.KeyId.ToString(), StringComparison.Ordinal)), certificate));
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

/// <summary>
/// Which certificates the key ring takes: one that cannot be used fails the platform's start with a message that names the
/// setting and the file, and never the password; one past its expiry date is used, as only its key pair matters.
/// </summary>
public sealed class KeyRingCertificateTests : IDisposable
{
    private const string Section = KeyRingCertificates.Section;
    private readonly string _data = Directory.CreateTempSubdirectory("goldenpath-platform-").FullName;

    [Fact]
    public void AMissingUnreadableKeylessOrWrongPasswordCertificateFailsTheStartSayingWhichSettingAndFile()
    {
        using var files = new KeyRingCertificates();
        using var certificate = KeyRingCertificates.Create("goldenpath-key-ring");
        const string rightPassword = "right-password-5e1c";
        const string wrongPassword = "wrong-password-9b2d";
        var pfx = files.Pfx(certificate, rightPassword);
        var pem = files.Pem(certificate, "pem");
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);
        var pfxWithoutKey = files.Pfx(publicOnly, null, "public-only.pfx");
        using var ecKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ec = new CertificateRequest("CN=goldenpath-key-ring-ec", ecKey, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var ecPfx = files.Pfx(ec, null, "ec.pfx");
        var absent = files.PathOf("absent.pfx");
        var folder = Path.GetDirectoryName(pem.Certificate)!;

        var cases = new (string What, Dictionary<string, string?> Settings, string[] Says)[]
        {
            ("a missing file", KeyRingCertificates.Current(absent, null), [$"{Section}:Certificate:Path", absent, "does not exist"]),
            ("a folder", KeyRingCertificates.Current(folder, null), [$"{Section}:Certificate:Path", folder, "is a folder"]),
            ("a wrong password", KeyRingCertificates.Current(pfx, wrongPassword), [$"{Section}:Certificate:Password", pfx, "could not be opened"]),
            ("no password", KeyRingCertificates.Current(pfx, null), [$"{Section}:Certificate:Password", pfx, "not set"]),
            ("a PEM certificate without its key", new() { [$"{Section}:Certificate:Path"] = pem.Certificate }, [$"{Section}:Certificate:Path", pem.Certificate, "no PEM private key", "KeyPath"]),
            ("a PEM key that is not one", new() { [$"{Section}:Certificate:Path"] = pem.Certificate, [$"{Section}:Certificate:KeyPath"] = pem.Certificate }, [$"{Section}:Certificate:KeyPath", pem.Certificate, "no PEM private key"]),
            ("a PFX without its key", KeyRingCertificates.Current(pfxWithoutKey, null), [$"{Section}:Certificate:Path", pfxWithoutKey, "without its private key"]),
            ("an ECDSA certificate", KeyRingCertificates.Current(ecPfx, null), [$"{Section}:Certificate:Path", ecPfx, "not RSA"]),
            ("a previous certificate without a current one", new() { [$"{Section}:PreviousCertificates:0:Path"] = pfx, [$"{Section}:PreviousCertificates:0:Password"] = rightPassword },
                [$"{Section}:PreviousCertificates", $"{Section}:Certificate:Path", "in clear"]),
            ("a missing previous certificate", new(KeyRingCertificates.Current(pfx, rightPassword)) { [$"{Section}:PreviousCertificates:0:Path"] = absent },
                [$"{Section}:PreviousCertificates:0:Path", absent, "does not exist"]),
        };

        foreach (var (what, settings, says) in cases)
        {
            using var platform = new PlatformApp(null, _data, new FakeTimeProvider(), settings);
            var failure = Assert.ThrowsAny<Exception>(platform.StartServer).ToString();
            foreach (var text in says)
            {
                Assert.True(failure.Contains(text, StringComparison.Ordinal), $"With {what}, the failure does not say '{text}':\n{failure}");
            }

            Assert.False(failure.Contains(wrongPassword, StringComparison.Ordinal) || failure.Contains(rightPassword, StringComparison.Ordinal), $"With {what}, the failure says a password:\n{failure}");
        }
    }

    [Fact]
    public async Task AnExpiredSelfSignedCertificateStillProtectsTheKeyRingSinceOnlyItsKeyPairIsUsed()
    {
        using var files = new KeyRingCertificates();
        using var expired = KeyRingCertificates.Create("goldenpath-key-ring-expired", DateTimeOffset.UtcNow.AddYears(-2), DateTimeOffset.UtcNow.AddDays(-1));
        await using var platform = new PlatformApp(null, _data, new FakeTimeProvider(), KeyRingCertificates.Current(files.Pfx(expired, null), null));
        platform.StartServer();
        using var browser = new PortalSession(platform);

        using var signIn = await browser.SignInAsync(await platform.TokenAsync("team-keys", "read"));
        var page = await browser.TextAsync("/portal");
        var keys = await platform.QueryAsync(db => db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Signed in: team team-keys", page, StringComparison.Ordinal);
        Assert.All(keys, xml => Assert.True(KeyRingCertificates.EncryptedFor(xml, expired), xml));
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}

/// <summary>The lines a platform logs, as a log collector gets them.</summary>
internal sealed class LogLines : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogLines lines, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
    }
}
