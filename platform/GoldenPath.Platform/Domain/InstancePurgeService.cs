using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Domain;

/// <summary>
/// Removes instances that expired more than an hour ago (reads already hide expired ones), every
/// <see cref="PlatformOptions.BackgroundJobInterval"/> (ten minutes by default), on the one replica that holds the
/// <see cref="BackgroundJobLease"/>.
/// </summary>
internal sealed partial class InstancePurgeService(IServiceScopeFactory scopes, BackgroundJobLease lease, IOptions<PlatformOptions> options, TimeProvider time, ILogger<InstancePurgeService> logger)
    : BackgroundService
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(1);

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

                await using var scope = scopes.CreateAsyncScope();
                var purged = await scope.ServiceProvider.GetRequiredService<CatalogService>().PurgeExpiredInstancesAsync(Retention, stoppingToken);
                if (purged > 0)
                {
                    Purged(logger, purged);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                PurgeFailed(logger, options.Value.BackgroundJobInterval.TotalSeconds, exception);
            }
        }
    }

    [LoggerMessage(2101, LogLevel.Information, "Removed {Count} instances that expired more than an hour ago.")]
    private static partial void Purged(ILogger logger, int count);

    [LoggerMessage(2102, LogLevel.Warning, "Removing expired instances failed; trying again in {Seconds} s.")]
    private static partial void PurgeFailed(ILogger logger, double seconds, Exception exception);
}
