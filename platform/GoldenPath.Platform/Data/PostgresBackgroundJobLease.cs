using GoldenPath.Platform.Domain;

namespace GoldenPath.Platform.Data;

/// <summary>
/// The background jobs' lease on PostgreSQL: a session advisory lock (<see cref="PostgresAdvisoryLock.BackgroundJobs"/>)
/// held on a connection of this replica's own. The server frees it when that connection ends, so when the holder exits
/// or dies, the next replica to run its jobs takes it. A holder whose connection broke (a restarted server, a terminated
/// backend) stops counting itself the holder and competes for the lock again like the others.
/// </summary>
/// <remarks>
/// Between a holder's check and its job, its connection may break and another replica take the lock: the jobs are
/// idempotent (a purge removes what is expired), so the rare overlap costs work, never data.
/// </remarks>
internal sealed partial class PostgresBackgroundJobLease(string connectionString, ILogger<PostgresBackgroundJobLease> logger) : BackgroundJobLease, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PostgresAdvisoryLock? _held;

    public override async Task<bool> HoldAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_held is not null)
            {
                if (await _held.IsHeldAsync(cancellationToken).ConfigureAwait(false))
                {
                    return true;
                }

                await _held.DisposeAsync().ConfigureAwait(false);
                _held = null;
                Lost(logger);
            }

            _held = await PostgresAdvisoryLock.TryAcquireAsync(connectionString, PostgresAdvisoryLock.BackgroundJobs, cancellationToken).ConfigureAwait(false);
            if (_held is not null)
            {
                Acquired(logger);
            }

            return _held is not null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_held is not null)
        {
            await _held.DisposeAsync().ConfigureAwait(false);
            _held = null;
        }

        _gate.Dispose();
    }

    [LoggerMessage(2111, LogLevel.Information, "This replica now runs the platform's background jobs (it holds their PostgreSQL advisory lock); the other replicas leave them to it.")]
    private static partial void Acquired(ILogger logger);

    [LoggerMessage(2112, LogLevel.Warning, "This replica lost the background jobs' lock (its connection to PostgreSQL broke); it competes for it again with the other replicas.")]
    private static partial void Lost(ILogger logger);
}
