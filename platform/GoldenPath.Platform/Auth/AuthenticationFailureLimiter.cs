using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Auth;

/// <summary>
/// Counts failed authentications per client (<see cref="ClientAddress"/>) in a token bucket that refills continuously:
/// a client may fail <see cref="PlatformOptions.FailedAuthenticationBurst"/> times at once and then once every
/// minute / <see cref="PlatformOptions.FailedAuthenticationsPerMinute"/>. A client that has no failure left is refused
/// with 429 for its next failed attempts, never for a valid token, so that a neighbour behind the same address (an
/// ingress, a NAT) cannot lock anybody out. The bucket runs on the injected clock, so that the Retry-After it tells is
/// exactly when the next failure is allowed again.
/// </summary>
internal sealed class AuthenticationFailureLimiter(IOptions<PlatformOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private long _nextSweepTicks;

    /// <summary>The time one failure takes to come back.</summary>
    private TimeSpan Interval => TimeSpan.FromMinutes(1) / options.Value.FailedAuthenticationsPerMinute;

    /// <summary>How far ahead of now a client's failures may reach: its whole burst.</summary>
    private TimeSpan Tolerance => Interval * options.Value.FailedAuthenticationBurst;

    /// <summary>
    /// Counts a failed authentication of <paramref name="client"/>; false when the client had no failure left, with how
    /// long (counting this one) until it has one again.
    /// </summary>
    public bool TryRecordFailure(string client, out TimeSpan retryAfter)
    {
        var now = time.GetUtcNow();
        var (interval, tolerance) = (Interval, Tolerance);
        bool allowed;
        while (true)
        {
            var bucket = _buckets.GetOrAdd(client, _ => new Bucket(now));
            lock (bucket)
            {
                if (bucket.Removed)
                {
                    continue;
                }

                // The moment the client's bucket is full again (the generic cell rate algorithm): each failure moves it one
                // interval on, and a failure is allowed while it stays within the burst of now. A client that fails while it
                // has no failure left stays at none: it has to wait one interval, whatever it sent meanwhile.
                var full = (bucket.Full > now ? bucket.Full : now) + interval;
                allowed = full - now <= tolerance;
                bucket.Full = allowed ? full : now + tolerance;
                retryAfter = allowed ? TimeSpan.Zero : bucket.Full - (tolerance - interval) - now;
                break;
            }
        }

        SweepIfDue(now);
        return allowed;
    }

    /// <summary>Forgets the clients whose buckets are full again, at most once per time a bucket takes to refill.</summary>
    private void SweepIfDue(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, (now + Tolerance).UtcTicks, due) != due)
        {
            return;
        }

        foreach (var (client, bucket) in _buckets)
        {
            lock (bucket)
            {
                if (bucket.Full <= now)
                {
                    bucket.Removed = true;
                    _buckets.TryRemove(new KeyValuePair<string, Bucket>(client, bucket));
                }
            }
        }
    }

    /// <summary>The failures of one client, as the moment its bucket is full again; guarded by locking it.</summary>
    private sealed class Bucket(DateTimeOffset full)
    {
        public DateTimeOffset Full { get; set; } = full;

        public bool Removed { get; set; }
    }
}
