using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// Certificates for the portal's key ring, made by the test (none is checked in) and written to a folder of its own as an
/// operator mounts them: a PKCS#12 file with a password, or a PEM certificate and key as a Kubernetes TLS Secret holds them.
/// </summary>
internal sealed class KeyRingCertificates : IDisposable
{
    public const string Section = "GoldenPath:Platform:KeyRing";

    private readonly string _folder = Directory.CreateTempSubdirectory("goldenpath-key-ring-").FullName;

    /// <summary>A self-signed certificate with a fresh RSA key.</summary>
    public static X509Certificate2 Create(string name) => Create(name, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));

    /// <summary>A self-signed certificate with a fresh RSA key, valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>.</summary>
    public static X509Certificate2 Create(string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>Writes <paramref name="certificate"/> with its key as a PKCS#12 file protected by <paramref name="password"/>.</summary>
    public string Pfx(X509Certificate2 certificate, string? password, string name = "key-ring.pfx")
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    /// <summary>Writes <paramref name="certificate"/> as <c>tls.crt</c> and its key as <c>tls.key</c> (PKCS#8 PEM) in a folder named <paramref name="name"/>.</summary>
    public (string Certificate, string Key) Pem(X509Certificate2 certificate, string name)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder, name)).FullName;
        var (crt, key) = (Path.Combine(folder, "tls.crt"), Path.Combine(folder, "tls.key"));
        File.WriteAllText(crt, certificate.ExportCertificatePem());
        File.WriteAllText(key, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (crt, key);
    }

    /// <summary>A file in this folder, for the tests that write one of their own.</summary>
    public string PathOf(string name) => Path.Combine(_folder, name);

    /// <summary>The settings of a current certificate in PEM files.</summary>
    public static Dictionary<string, string?> Current((string Certificate, string Key) pem) => new()
    {
        [$"{Section}:Certificate:Path"] = pem.Certificate,
        [$"{Section}:Certificate:KeyPath"] = pem.Key,
    };

    /// <summary>The settings of a current certificate in a PKCS#12 file.</summary>
    public static Dictionary<string, string?> Current(string pfx, string? password) => new()
    {
        [$"{Section}:Certificate:Path"] = pfx,
        [$"{Section}:Certificate:Password"] = password,
    };

    /// <summary>Whether a stored key's XML holds its secret in clear.</summary>
    public static bool InClear(string xml) => xml.Contains("<masterKey", StringComparison.Ordinal) || xml.Contains("<value>", StringComparison.Ordinal);

    /// <summary>Whether a stored key's XML is encrypted for <paramref name="certificate"/> (the certificate Data Protection writes in its XML encryption).</summary>
    public static bool EncryptedFor(string xml, X509Certificate2 certificate) =>
        xml.Contains("<encryptedSecret", StringComparison.Ordinal) && xml.Contains(Convert.ToBase64String(certificate.RawData), StringComparison.Ordinal);

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
