namespace GpTemplateNamespace.Work;

/// <summary>
/// Timer-driven work: every <c>Worker:Interval</c> (default 30 s) one work item is handled. A failed run is
/// logged and the next tick tries again; the worker never stops on an error.
/// </summary>
public sealed partial class ScheduledWork(WorkProcessor processor, IConfiguration configuration, TimeProvider time, ILogger<ScheduledWork> logger) : BackgroundService
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Worker:Interval", DefaultInterval);
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            var now = time.GetUtcNow();
            try
            {
                await processor.ProcessAsync(new WorkItem($"scheduled-{now.ToUnixTimeMilliseconds()}", "scheduled"), stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                RunFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A scheduled run failed; the next tick tries again")]
    private static partial void RunFailed(ILogger logger, Exception exception);
}
