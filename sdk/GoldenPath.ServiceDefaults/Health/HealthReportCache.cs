using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace GoldenPath.ServiceDefaults.Health;

/// <summary>
/// Runs the checks of one endpoint at most once per <see cref="GoldenPathHealthOptions.CacheDuration"/>:
/// concurrent probes share the run in progress, later ones reuse its result until it is older than that.
/// </summary>
internal sealed class HealthReportCache(HealthCheckService health, IOptions<GoldenPathOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async Task<HealthReport> GetAsync(string key, Func<HealthCheckRegistration, bool> predicate, bool bypassCache, CancellationToken cancellationToken)
    {
        var duration = options.Value.Health.CacheDuration;
        if (bypassCache || duration <= TimeSpan.Zero)
        {
            return await health.CheckHealthAsync(predicate, cancellationToken).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        while (true)
        {
            // GetOrAdd may call its factory more than once under contention; only the Lazy that is stored runs.
            var entry = _entries.GetOrAdd(key, _ => new Entry(now, new Lazy<Task<HealthReport>>(() => Run(predicate))));
            var report = entry.Report.Value;
            if (report.IsCompleted && now - entry.StartedAt >= duration)
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
                continue;
            }

            return await report.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // The shared run is not tied to one caller's request: a probe that hangs up must not cancel the others' result.
    private Task<HealthReport> Run(Func<HealthCheckRegistration, bool> predicate) => health.CheckHealthAsync(predicate, CancellationToken.None);

    private sealed record Entry(DateTimeOffset StartedAt, Lazy<Task<HealthReport>> Report);
}
