using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

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
    public async Task AnExpiredSelfSignedCertificateInOnePemFileWithItsKeyProtectsTheKeyRingSinceOnlyItsKeyPairIsUsed()
    {
        using var files = new KeyRingCertificates();
        using var expired = KeyRingCertificates.Create("goldenpath-key-ring-expired", DateTimeOffset.UtcNow.AddYears(-2), DateTimeOffset.UtcNow.AddDays(-1));
        // One PEM file with the certificate and its key, as openssl writes them.
        var combined = files.PathOf("key-ring.pem");
        File.WriteAllText(combined, expired.ExportCertificatePem() + "\n" + expired.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        await using var platform = new PlatformApp(null, _data, new FakeTimeProvider(), new() { [$"{Section}:Certificate:Path"] = combined });
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
