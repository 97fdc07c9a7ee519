using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Auth;

/// <summary>
/// Counts failed authentications per client address with a token bucket (ASP.NET Core's rate limiting primitives):
/// an address that spent its bucket on bad tokens is refused with 429 for every request that carries a token, valid
/// or not, until the bucket refills, so that nobody can try secrets at the speed of the server.
/// </summary>
internal sealed class AuthenticationFailureLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures;
    private readonly TimeSpan _refill;

    public AuthenticationFailureLimiter(IOptions<PlatformOptions> options)
    {
        var settings = options.Value;
        _refill = TimeSpan.FromMinutes(1) / settings.FailedAuthenticationsPerMinute;
        _failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.FailedAuthenticationBurst,
            TokensPerPeriod = settings.FailedAuthenticationsPerMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Whether <paramref name="address"/> has no failures left; if so, how long until it has one again.</summary>
    public bool IsBlocked(string address, out TimeSpan retryAfter)
    {
        // The bucket refills continuously: a fraction of a failure left is none (a zero-permit probe would succeed on it).
        retryAfter = _refill;
        return _failures.GetStatistics(address)?.CurrentAvailablePermits < 1;
    }

    /// <summary>Counts one failed authentication of <paramref name="address"/>.</summary>
    public void RecordFailure(string address)
    {
        using var lease = _failures.AttemptAcquire(address);
    }

    public void Dispose() => _failures.Dispose();
}
