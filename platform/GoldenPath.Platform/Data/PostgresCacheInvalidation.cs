using GoldenPath.Platform.Domain;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace GoldenPath.Platform.Data;

/// <summary>
/// Cache invalidation between replicas through PostgreSQL's LISTEN/NOTIFY: a change is published with
/// <c>pg_notify</c> (delivered when its transaction commits), and each replica listens on one connection of its own.
/// Until that connection listens, and whenever it breaks, the replica's caches forget everything and keep nothing, so
/// a missed message can never leave a revoked token or a previous owner in a cache.
/// </summary>
internal sealed partial class PostgresCacheInvalidation(string connectionString, TimeProvider time, ILogger<PostgresCacheInvalidation> logger)
    : CacheInvalidation, IHostedService, IAsyncDisposable
{
    public const string Channel = "goldenpath_cache";

    private static readonly TimeSpan s_maxRetryDelay = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stopping = new();
    private Task? _listening;
    private volatile bool _live;
    private int _disposed;

    public override bool IsLive => _live;

    public override async Task PublishAsync(PlatformDbContext db, string topic, string key, CancellationToken cancellationToken)
    {
        var payload = $"{topic}:{key}";
        await db.Database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, {payload})", cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listening = Task.Run(() => ListenAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_listening is not null)
        {
            await _listening.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as itself and as CacheInvalidation: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await StopAsync(CancellationToken.None);
            _stopping.Dispose();
        }
    }

    private async Task ListenAsync(CancellationToken stopping)
    {
        var failures = 0;
        // Keepalives find a connection that died without a word, so that the replica stops caching.
        var listener = new NpgsqlConnectionStringBuilder(connectionString) { KeepAlive = 5, MaxAutoPrepare = 0, Pooling = false }.ConnectionString;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(listener);
                await connection.OpenAsync(stopping);
                connection.Notification += (_, message) => Receive(message.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }

                // Anything cached before this point may have missed a message.
                ForgetEverything();
                _live = true;
                if (failures > 0)
                {
                    Log.Listening(logger, failures);
                }

                failures = 0;
                while (true)
                {
                    await connection.WaitAsync(stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (!stopping.IsCancellationRequested)
            {
                _live = false;
                ForgetEverything();
                failures++;
                Log.ListenFailed(logger, exception.Message);
                var delay = TimeSpan.FromMilliseconds(Math.Min(s_maxRetryDelay.TotalMilliseconds, 200 * Math.Pow(2, Math.Min(failures, 10))));
                try
                {
                    await Task.Delay(delay, time, stopping);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        _live = false;
    }

    private void Receive(string payload)
    {
        var separator = payload.IndexOf(':', StringComparison.Ordinal);
        if (separator > 0)
        {
            Deliver(payload[..separator], payload[(separator + 1)..]);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2301, LogLevel.Warning, "Not listening for cache invalidations ({Reason}): this replica caches no token or owner until it listens again.")]
        public static partial void ListenFailed(ILogger logger, string reason);

        [LoggerMessage(2302, LogLevel.Information, "Listening for cache invalidations again after {Failures} failed attempt(s).")]
        public static partial void Listening(ILogger logger, int failures);
    }
}
