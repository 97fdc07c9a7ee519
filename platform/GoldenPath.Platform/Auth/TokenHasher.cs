using System.Security.Cryptography;
using System.Text;

namespace GoldenPath.Platform.Auth;

/// <summary>Makes token secrets and their hashes. Only the SHA-256 hash of a secret is ever stored.</summary>
internal static class TokenHasher
{
    public const string Prefix = "gpt_";

    public static string NewSecret() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string NewId() => "tok_" + Base64Url(RandomNumberGenerator.GetBytes(9));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Hash(a)), Encoding.UTF8.GetBytes(Hash(b)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
