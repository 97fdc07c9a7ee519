using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Domain;

/// <summary>
/// Keeps the stored scorecard results (<see cref="ScorecardResults"/>) true where no write tells: at start-up (an upgraded
/// platform's first results) and then every <see cref="PlatformOptions.ScorecardRefreshInterval"/> (a minute by default)
/// it evaluates every service again, on the one replica that holds the <see cref="BackgroundJobLease"/>. That catches
/// instances that expired, deployments that left the 30-day window, and readiness, telemetry or SDK versions reported by
/// the heartbeats of live instances. A refresh that fails is tried again on the next tick.
/// </summary>
internal sealed partial class ScorecardRefreshService(IServiceScopeFactory scopes, BackgroundJobLease lease, IOptions<PlatformOptions> options, TimeProvider time,
    ILogger<ScorecardRefreshService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ScorecardRefreshInterval;
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                if (!await lease.HoldAsync(stoppingToken))
                {
                    continue;
                }

                await using var scope = scopes.CreateAsyncScope();
                var count = await scope.ServiceProvider.GetRequiredService<ScorecardResults>().RefreshAllAsync(stoppingToken);
                Refreshed(logger, count);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                RefreshFailed(logger, interval.TotalSeconds, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(2152, LogLevel.Debug, "Evaluated the scorecards of {Count} services again.")]
    private static partial void Refreshed(ILogger logger, int count);

    [LoggerMessage(2153, LogLevel.Warning, "Evaluating the services' scorecards again failed; trying again in {Seconds} s.")]
    private static partial void RefreshFailed(ILogger logger, double seconds, Exception exception);
}
