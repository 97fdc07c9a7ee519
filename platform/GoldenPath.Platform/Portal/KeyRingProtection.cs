using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using GoldenPath.Platform.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform.Portal;

/// <summary>
/// Encrypts the portal's Data Protection keys before they reach the store, with ASP.NET Core's own
/// <see cref="DataProtectionBuilderExtensions.ProtectKeysWithCertificate(IDataProtectionBuilder, X509Certificate2)"/>, and
/// reads keys encrypted with a replaced certificate with
/// <see cref="DataProtectionBuilderExtensions.UnprotectKeysWithAnyCertificate(IDataProtectionBuilder, X509Certificate2[])"/>
/// (<c>GoldenPath:Platform:KeyRing</c>). A replica that lacks the certificate of a key still in use refuses to start,
/// rather than sign everyone out and write a key of its own.
/// </summary>
internal static partial class KeyRingProtection
{
    private const string CertificateSetting = KeyRingOptions.SectionName + ":Certificate";
    private const string PreviousSetting = KeyRingOptions.SectionName + ":PreviousCertificates";

    /// <summary>The certificates this replica encrypts (the current one) and decrypts (all of them) the key ring with.</summary>
    internal sealed record Certificates(X509Certificate2? Current, IReadOnlyList<X509Certificate2> Previous)
    {
        public IEnumerable<X509Certificate2> All => Current is null ? Previous : [Current, .. Previous];
    }

    /// <summary>Loads the configured certificates and tells Data Protection to use them; fails with what to fix when one cannot be used.</summary>
    public static void ProtectKeysWithConfiguredCertificates(this IDataProtectionBuilder dataProtection, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = new KeyRingOptions();
        configuration.GetSection(KeyRingOptions.SectionName).Bind(options);
        var certificates = Load(options, environment.ContentRootPath);
        if (certificates.Current is not null)
        {
            dataProtection.ProtectKeysWithCertificate(certificates.Current);
        }

        if (certificates.Previous.Count > 0)
        {
            dataProtection.UnprotectKeysWithAnyCertificate([.. certificates.Previous]);
        }

        dataProtection.Services.AddSingleton(certificates);
    }

    internal static Certificates Load(KeyRingOptions options, string contentRoot)
    {
        if (string.IsNullOrWhiteSpace(options.Certificate.Path))
        {
            if (!string.IsNullOrEmpty(options.Certificate.KeyPath) || !string.IsNullOrEmpty(options.Certificate.Password))
            {
                throw Invalid($"{CertificateSetting}:KeyPath or :Password is set but {CertificateSetting}:Path is not: set Path to the certificate's file " +
                    "(a PFX, or a PEM certificate whose key is in KeyPath), or remove the other settings.");
            }

            if (options.PreviousCertificates.Count > 0)
            {
                throw Invalid($"{PreviousSetting} is set but {CertificateSetting}:Path is not: new keys would be stored in clear. " +
                    $"Set {CertificateSetting}:Path to the certificate that encrypts new keys (the previous ones only decrypt).");
            }

            return new Certificates(null, []);
        }

        var current = LoadOne(CertificateSetting, options.Certificate, contentRoot);
        var previous = options.PreviousCertificates.Select((c, i) => LoadOne($"{PreviousSetting}:{i}", c, contentRoot)).ToList();
        return new Certificates(current, previous);
    }

    /// <summary>One certificate with its RSA private key, from a PKCS#12 file or PEM files; never says its password.</summary>
    private static X509Certificate2 LoadOne(string setting, KeyRingCertificateOptions options, string contentRoot)
    {
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            throw Invalid($"{setting}:Path is not set: set it to the certificate's file (a PFX, or a PEM certificate whose key is in {setting}:KeyPath), or remove the entry.");
        }

        var path = Path.GetFullPath(options.Path, contentRoot);
        var keyPath = string.IsNullOrWhiteSpace(options.KeyPath) ? null : Path.GetFullPath(options.KeyPath, contentRoot);
        var certificateBytes = Read($"{setting}:Path", path);
        var keyBytes = keyPath is null ? null : Read($"{setting}:KeyPath", keyPath);
        var pem = keyBytes is not null || LooksLikePem(certificateBytes);
        var password = string.IsNullOrEmpty(options.Password) ? null : options.Password;
        X509Certificate2 certificate;
        try
        {
            if (pem)
            {
                var certificateText = Encoding.UTF8.GetString(certificateBytes);
                var keyText = keyBytes is null ? certificateText : Encoding.UTF8.GetString(keyBytes);
                if (!keyText.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
                {
                    throw Invalid($"{setting}:{(keyPath is null ? "Path" : "KeyPath")} ('{keyPath ?? path}') holds no PEM private key: Data Protection needs the private key " +
                        $"to decrypt the keys it encrypted. Put the key in a file of its own and name it in {setting}:KeyPath (tls.key of a Kubernetes TLS Secret), or use a PFX with its key.");
                }

                certificate = password is null ? X509Certificate2.CreateFromPem(certificateText, keyText) : X509Certificate2.CreateFromEncryptedPem(certificateText, keyText, password);
            }
            else
            {
                certificate = X509CertificateLoader.LoadPkcs12(certificateBytes, password, X509KeyStorageFlags.EphemeralKeySet);
            }
        }
        catch (CryptographicException exception)
        {
            throw Invalid($"{setting}:Path ('{path}'{(keyPath is null ? "" : $", key '{keyPath}'")}) could not be opened: {exception.Message} " +
                (pem
                    ? $"Check that the file holds a PEM certificate and its key the matching PEM private key, and {setting}:Password when the key is encrypted."
                    : $"Check {setting}:Password (it is {(password is null ? "not set" : "set")}) and that the file is a PKCS#12 (PFX) file with the certificate and its key."),
                exception);
        }

        if (!certificate.HasPrivateKey)
        {
            throw Invalid($"{setting}:Path ('{path}') holds a certificate without its private key (thumbprint {certificate.Thumbprint}): Data Protection needs the private key " +
                "to decrypt the keys it encrypted. Export the certificate with its key (openssl pkcs12 -export -inkey key.pem -in cert.pem), or name the PEM key in " +
                $"{setting}:KeyPath.");
        }

        if (certificate.GetRSAPublicKey() is null)
        {
            throw Invalid($"{setting}:Path ('{path}') holds a certificate whose key is not RSA (thumbprint {certificate.Thumbprint}): Data Protection encrypts keys " +
                "for RSA certificates only (XML encryption). Make one with an RSA key, e.g. openssl req -x509 -newkey rsa:3072 -days 730 -nodes -subj /CN=goldenpath-key-ring " +
                "-keyout key.pem -out cert.pem.");
        }

        return certificate;
    }

    private static byte[] Read(string setting, string path)
    {
        if (Directory.Exists(path))
        {
            throw Invalid($"{setting} names '{path}', which is a folder, not the certificate's file: name the file in it (e.g. '{Path.Combine(path, "tls.crt")}').");
        }

        if (!File.Exists(path))
        {
            throw Invalid($"{setting} names '{path}', which does not exist: mount the certificate there (e.g. a Kubernetes Secret as a volume) or correct the setting.");
        }

        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw Invalid($"{setting} names '{path}', which the platform cannot read ({exception.Message}): let the platform's user read it " +
                "(e.g. the Secret volume's defaultMode and the pod's fsGroup).", exception);
        }
    }

    private static bool LooksLikePem(byte[] bytes) =>
        Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 4096)).Contains("-----BEGIN ", StringComparison.Ordinal);

    private static InvalidOperationException Invalid(string message, Exception? inner = null) => new(message, inner);

    /// <summary>
    /// Before the platform serves: refuses to start when the key ring holds a key still in use that was encrypted with a
    /// certificate this replica does not have (it could read none of the cookies made with it, and would write a key of its
    /// own, in clear without a certificate); warns when keys are stored in clear. A store it cannot read now is left to the
    /// store's health check.
    /// </summary>
    public static async Task CheckPortalKeyRingAsync(this WebApplication app)
    {
        var certificates = app.Services.GetRequiredService<Certificates>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KeyRingProtection));
        List<string> stored;
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
            stored = await db.DataProtectionKeys.AsNoTracking().Where(k => k.Xml != null).Select(k => k.Xml!).ToListAsync(app.Lifetime.ApplicationStopping);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            NotChecked(logger, exception.Message);
            return;
        }

        var keys = StoredKeys(stored, app.Services.GetRequiredService<TimeProvider>().GetUtcNow());
        var held = certificates.All.Select(c => c.Thumbprint).Concat(StoreThumbprints()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unreadable = keys.Where(k => k.Thumbprint is not null && !held.Contains(k.Thumbprint)).ToList();
        if (unreadable.Count > 0)
        {
            var by = string.Join("; ", unreadable.GroupBy(k => (k.Thumbprint, k.Subject)).Select(g =>
                $"'{g.Key.Subject}' (thumbprint {g.Key.Thumbprint}) for {string.Join(", ", g.Select(k => $"key-{k.Id}"))}"));
            var message = $"The portal's key ring (data_protection_keys) holds {unreadable.Count} key(s) still in use that were encrypted with a certificate this replica " +
                $"does not have: {by}. Without it this replica can read none of the portal cookies made with those keys, and would write a key of its own" +
                $"{(certificates.Current is null ? ", in clear" : "")}. Give it that certificate with its private key: as {CertificateSetting}:Path (with KeyPath or Password), " +
                $"or, once it is replaced, as {PreviousSetting}:0:Path. To give up the portal sessions those keys protect instead, delete their rows " +
                $"(DELETE FROM data_protection_keys WHERE \"FriendlyName\" IN ({string.Join(", ", unreadable.Select(k => $"'key-{k.Id}'"))})) and restart every replica.";
            KeyRingUnreadable(logger, message);
            throw new InvalidOperationException(message);
        }

        if (certificates.Current is null)
        {
            if (!app.Environment.IsDevelopment())
            {
                StoredInClear(logger, CertificateSetting);
            }

            return;
        }

        var clear = keys.Where(k => k.InClear).ToList();
        if (clear.Count > 0)
        {
            ClearKeysRemain(logger, clear.Count, string.Join(", ", clear.Select(k => $"key-{k.Id}")), clear.Max(k => k.Expiration));
        }
    }

    /// <summary>A key of the ring still in use: neither expired nor revoked; its certificate's thumbprint when it is encrypted with one.</summary>
    internal sealed record StoredKey(Guid Id, DateTimeOffset Expiration, bool InClear, string? Thumbprint, string? Subject);

    internal static List<StoredKey> StoredKeys(IEnumerable<string> xml, DateTimeOffset now)
    {
        var elements = xml.Select(Parse).OfType<XElement>().ToList();
        var revokedIds = new HashSet<Guid>();
        var revokedBefore = DateTimeOffset.MinValue;
        foreach (var revocation in elements.Where(e => e.Name.LocalName == "revocation"))
        {
            var key = revocation.Elements().FirstOrDefault(e => e.Name.LocalName == "key")?.Attribute("id")?.Value;
            if (key == "*" && DateOf(revocation, "revocationDate") is { } date && date > revokedBefore)
            {
                revokedBefore = date;
            }
            else if (Guid.TryParse(key, out var id))
            {
                revokedIds.Add(id);
            }
        }

        var keys = new List<StoredKey>();
        foreach (var key in elements.Where(e => e.Name.LocalName == "key"))
        {
            if (!Guid.TryParse(key.Attribute("id")?.Value, out var id) || revokedIds.Contains(id)
                || DateOf(key, "expirationDate") is not { } expiration || expiration <= now
                || (DateOf(key, "creationDate") is { } created && created <= revokedBefore))
            {
                continue;
            }

            var encrypted = key.Descendants().FirstOrDefault(e => e.Name.LocalName == "encryptedSecret");
            var inClear = key.Descendants().Any(e => e.Name.LocalName == "masterKey");
            string? thumbprint = null, subject = null;
            if (encrypted?.Descendants().FirstOrDefault(e => e.Name.LocalName == "X509Certificate")?.Value is { Length: > 0 } base64)
            {
                try
                {
                    using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(base64.Trim()));
                    (thumbprint, subject) = (certificate.Thumbprint, certificate.Subject);
                }
                catch (Exception exception) when (exception is FormatException or CryptographicException)
                {
                    // Not a certificate this check understands: Data Protection itself will say what is wrong with it.
                }
            }

            keys.Add(new StoredKey(id, expiration, inClear && encrypted is null, thumbprint, subject));
        }

        return keys;
    }

    private static XElement? Parse(string xml)
    {
        try
        {
            return XElement.Parse(xml);
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    private static DateTimeOffset? DateOf(XElement element, string name) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value is { } text
        && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var date)
            ? date
            : null;

    /// <summary>Certificates with a private key in the user's own store, which Data Protection also decrypts with.</summary>
    private static IEnumerable<string> StoreThumbprints()
    {
        try
        {
            using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            return store.Certificates.Where(c => c.HasPrivateKey).Select(c => c.Thumbprint).ToList();
        }
        catch (CryptographicException)
        {
            return [];
        }
    }

    [LoggerMessage(2135, LogLevel.Critical, "{Message}")]
    private static partial void KeyRingUnreadable(ILogger logger, string message);

    [LoggerMessage(2136, LogLevel.Warning, "{Setting}:Path is not set: the portal's Data Protection keys are stored in clear in the platform's store (data_protection_keys), " +
        "so whoever reads the database or a backup of it can make a portal cookie for any reader and take over live portal sessions. Set {Setting}:Path to a certificate " +
        "with its RSA private key (a PFX with Password, or a PEM certificate with KeyPath) to encrypt them (docs/operations.md, \"The portal's key ring\").")]
    private static partial void StoredInClear(ILogger logger, string setting);

    [LoggerMessage(2137, LogLevel.Warning, "The portal's key ring still holds {Count} key(s) stored in clear before its certificate was set ({Keys}), in use until {Expiration:u}: " +
        "whoever reads the database or a backup of it can make portal cookies with them until then, and new keys are made only when they near expiry. To retire them now " +
        "(it signs every portal user out), once every replica has the certificate: DELETE FROM data_protection_keys WHERE \"Xml\" LIKE '%<masterKey%', then restart every replica.")]
    private static partial void ClearKeysRemain(ILogger logger, int count, string keys, DateTimeOffset expiration);

    [LoggerMessage(2138, LogLevel.Warning, "Could not read the portal's key ring at start to check its certificates: {Reason}")]
    private static partial void NotChecked(ILogger logger, string reason);
}
