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
/// <remarks>
/// A connection can die without a word (a stalled backend, a dropped route): it then looks open and delivers nothing.
/// So each replica also notifies itself every <see cref="ProbeInterval"/> on a channel of its own, through another
/// connection, and counts as listening only while those probes arrive on the listening one (the last within
/// <see cref="LiveWindow"/>). Notifications reach a listener in commit order, so a probe that arrives proves that every
/// change committed before it was delivered too. Transaction-mode PgBouncer does not carry LISTEN/NOTIFY: behind one,
/// probes never arrive and the replicas cache nothing (correct, but every request reads the store).
/// </remarks>
internal sealed partial class PostgresCacheInvalidation(string connectionString, TimeProvider time, ILogger<PostgresCacheInvalidation> logger)
    : CacheInvalidation, IHostedService, IAsyncDisposable
{
    public const string Channel = "goldenpath_cache";

    /// <summary>How often a replica notifies itself.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    /// <summary>How old the last probe a replica received may be while it counts as listening: two probes may be late.</summary>
    public static readonly TimeSpan LiveWindow = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan s_maxRetryDelay = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stopping = new();
    private readonly string _probeChannel = $"goldenpath_probe_{Guid.NewGuid():N}";
    private Task? _listening;
    private Task? _probing;
    private volatile bool _connected;
    private long _lastProbe;
    private long _connectedAt;
    private int _lapsed;
    private int _disposed;

    public override bool IsLive => _connected && Interlocked.Read(ref _lastProbe) is var last and > 0 && time.GetElapsedTime(last) <= LiveWindow;

    public override async Task PublishAsync(PlatformDbContext db, string topic, string key, CancellationToken cancellationToken)
    {
        var payload = $"{topic}:{key}";
        await db.Database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, {payload})", cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listening = Task.Run(() => ListenAsync(_stopping.Token), CancellationToken.None);
        _probing = Task.Run(() => ProbeAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _stopping.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // Disposed already (the host may stop its services after the container was disposed): stopped then.
            return;
        }

        foreach (var task in new[] { _listening, _probing })
        {
            if (task is not null)
            {
                await task.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
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
        // Keepalives find a connection that died without a word, so that the replica reconnects.
        var listener = new NpgsqlConnectionStringBuilder(connectionString) { KeepAlive = 5, MaxAutoPrepare = 0, Pooling = false }.ConnectionString;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(listener);
                await connection.OpenAsync(stopping);
                connection.Notification += (_, message) => Receive(message.Channel, message.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}; LISTEN {_probeChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }

                // Anything cached before this point may have missed a message; live again once a probe arrives here.
                Interlocked.Exchange(ref _lastProbe, 0);
                Interlocked.Exchange(ref _connectedAt, time.GetTimestamp());
                ForgetEverything();
                _connected = true;
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
                _connected = false;
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

        _connected = false;
    }

    /// <summary>Notifies this replica every <see cref="ProbeInterval"/>, and forgets everything when its probes stop arriving.</summary>
    private async Task ProbeAsync(CancellationToken stopping)
    {
        await using var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 0, MaxPoolSize = 2, Timeout = 5, CommandTimeout = 5 }.ConnectionString);
        using var timer = new PeriodicTimer(ProbeInterval, time);
        var failing = false;
        try
        {
            do
            {
                if (!_connected)
                {
                    continue;
                }

                var since = Math.Max(Interlocked.Read(ref _lastProbe), Interlocked.Read(ref _connectedAt));
                if (time.GetElapsedTime(since) > LiveWindow && Interlocked.Exchange(ref _lapsed, 1) == 0)
                {
                    // Changes made elsewhere may not arrive either: what is cached may be stale by now.
                    ForgetEverything();
                    Log.ProbesLate(logger, LiveWindow.TotalSeconds);
                }

                try
                {
                    await using var probe = source.CreateCommand($"SELECT pg_notify('{_probeChannel}', '')");
                    await probe.ExecuteNonQueryAsync(stopping);
                    failing = false;
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    if (!failing)
                    {
                        Log.ProbeFailed(logger, exception.Message);
                    }

                    failing = true;
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private void Receive(string channel, string payload)
    {
        if (channel == _probeChannel)
        {
            Interlocked.Exchange(ref _lastProbe, time.GetTimestamp());
            if (Interlocked.Exchange(ref _lapsed, 0) == 1)
            {
                Log.ProbesArrive(logger);
            }

            return;
        }

        Receive(payload);
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

        [LoggerMessage(2303, LogLevel.Warning, "This replica's own notifications have not arrived for {Seconds} s: its listening connection may be dead. It caches no token or owner until they arrive again.")]
        public static partial void ProbesLate(ILogger logger, double seconds);

        [LoggerMessage(2304, LogLevel.Information, "This replica's own notifications arrive again: it caches tokens and owners again.")]
        public static partial void ProbesArrive(ILogger logger);

        [LoggerMessage(2305, LogLevel.Warning, "This replica could not notify itself ({Reason}); it caches nothing until its notifications arrive again.")]
        public static partial void ProbeFailed(ILogger logger, string reason);
    }
}
