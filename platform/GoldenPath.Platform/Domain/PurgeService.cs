using GoldenPath.Platform.Data;
using GoldenPath.Platform.Portal;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Domain;

/// <summary>
/// The platform's periodic purges, every <see cref="PlatformOptions.BackgroundJobInterval"/> (ten minutes by default),
/// on the one replica that holds the <see cref="BackgroundJobLease"/>: instances that expired more than an hour ago, and
/// expired portal sessions (reads already hide or refuse both); and it writes the DORA facts of deployments written into
/// the store without them (a bulk import by SQL; every write through the API writes them itself). A job that fails is
/// tried again on the next tick and does not keep the others from running.
/// </summary>
internal sealed partial class PurgeService(IServiceScopeFactory scopes, BackgroundJobLease lease, IOptions<PlatformOptions> options, TimeProvider time, ILogger<PurgeService> logger)
    : BackgroundService
{
    public static readonly TimeSpan InstanceRetention = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.BackgroundJobInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (!await lease.HoldAsync(stoppingToken))
                {
                    continue;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LeaseFailed(logger, options.Value.BackgroundJobInterval.TotalSeconds, exception);
                continue;
            }

            await RunAsync("expired instances",
                services => services.GetRequiredService<CatalogService>().PurgeExpiredInstancesAsync(InstanceRetention, stoppingToken),
                count => InstancesPurged(logger, count), stoppingToken);
            await RunAsync("expired portal sessions",
                services => PortalSessionStore.PurgeExpiredAsync(services.GetRequiredService<PlatformDbContext>(), time.GetUtcNow(), stoppingToken),
                count => SessionsPurged(logger, count), stoppingToken);
            await RunAsync("DORA facts of deployments that have none",
                services => services.GetRequiredService<DoraFacts>().BackfillAsync(stoppingToken),
                count => FactsWritten(logger, count), stoppingToken);
        }
    }

    private async Task RunAsync(string what, Func<IServiceProvider, Task<int>> purge, Action<int> purged, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var count = await purge(scope.ServiceProvider);
            if (count > 0)
            {
                purged(count);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            PurgeFailed(logger, what, options.Value.BackgroundJobInterval.TotalSeconds, exception);
        }
    }

    [LoggerMessage(2141, LogLevel.Information, "Removed {Count} instances that expired more than an hour ago.")]
    private static partial void InstancesPurged(ILogger logger, int count);

    [LoggerMessage(2142, LogLevel.Information, "Deleted {Count} expired portal sessions.")]
    private static partial void SessionsPurged(ILogger logger, int count);

    [LoggerMessage(2145, LogLevel.Information, "Wrote the DORA facts of the deployments of {Count} services that had none.")]
    private static partial void FactsWritten(ILogger logger, int count);

    [LoggerMessage(2143, LogLevel.Warning, "Removing {What} failed; trying again in {Seconds} s.")]
    private static partial void PurgeFailed(ILogger logger, string what, double seconds, Exception exception);

    [LoggerMessage(2144, LogLevel.Warning, "Taking the background jobs' lease failed; trying again in {Seconds} s.")]
    private static partial void LeaseFailed(ILogger logger, double seconds, Exception exception);
}
