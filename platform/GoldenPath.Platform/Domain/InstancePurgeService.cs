namespace GoldenPath.Platform.Domain;

/// <summary>Removes instances that expired more than an hour ago (reads already hide expired ones), every ten minutes.</summary>
internal sealed partial class InstancePurgeService(IServiceScopeFactory scopes, TimeProvider time, ILogger<InstancePurgeService> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var purged = await scope.ServiceProvider.GetRequiredService<CatalogService>().PurgeExpiredInstancesAsync(Retention, stoppingToken);
                if (purged > 0)
                {
                    Purged(logger, purged);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                PurgeFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(2101, LogLevel.Information, "Removed {Count} instances that expired more than an hour ago.")]
    private static partial void Purged(ILogger logger, int count);

    [LoggerMessage(2102, LogLevel.Warning, "Removing expired instances failed; trying again in ten minutes.")]
    private static partial void PurgeFailed(ILogger logger, Exception exception);
}
