using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using GoldenPath.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace GoldenPath.Streams.Redis;

/// <summary>
/// Reads one stream as a member of a consumer group and hands each entry to a <typeparamref name="THandler"/>:
/// first the entries this consumer read but did not acknowledge before it stopped, then new ones, and, every
/// <see cref="RedisStreamConsumerOptions.ReclaimAfter"/>, those another consumer left unacknowledged that long.
/// </summary>
/// <typeparam name="THandler">The handler of the service.</typeparam>
internal sealed class RedisStreamConsumer<THandler> : BackgroundService
    where THandler : class, IRedisStreamHandler
{
    private const string FirstPending = "0";
    private const string FieldPrefix = "field:";
    private const string New = ">";

    // Atomically: if the entry is still pending on this consumer, reset its idle time (so no other instance takes it
    // over meanwhile) and return its delivery count, plus one when this is a new delivery (RETRYCOUNT); else nil.
    private const string ClaimIfMineScript = """
        local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
        if #p == 0 then return false end
        local count = tonumber(p[1][4]) + tonumber(ARGV[4])
        redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'RETRYCOUNT', count, 'JUSTID')
        return count
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Counter<long> _entries;
    private (RedisValue Id, string Error) _lastFailure;

    public RedisStreamConsumer(IServiceProvider services, string optionsName)
    {
        var options = services.GetRequiredService<IOptionsMonitor<RedisStreamConsumerOptions>>().Get(optionsName);
        var service = services.GetService<ServiceInfo>();
        Settings = RedisStreamSettings.Resolve(options, service, typeof(THandler));
        _redis = services.GetRequiredService<IConnectionMultiplexer>();
        _scopes = services.GetRequiredService<IServiceScopeFactory>();
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _logger = services.GetRequiredService<ILoggerFactory>().CreateLogger($"GoldenPath.Streams.Redis.RedisStreamConsumer[{Settings.Stream}]");
        _entries = services.GetRequiredService<IMeterFactory>().Create(RedisStreamTelemetry.Name)
            .CreateCounter<long>("goldenpath.stream.entries", "{entry}", "Stream entries a consumer finished with, by stream and result (handled, dead_lettered, gone).");
    }

    public RedisStreamSettings Settings { get; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // A setting that cannot work stops the start with its name, rather than a consumer that fails forever.
        Settings.ThrowIfInvalid();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var s = Settings;
        var failures = 0;
        var groupReady = false;
        var position = FirstPending; // first this consumer's pending entries, then new ones
        var nextReclaim = _time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var database = _redis.GetDatabase();
                if (!groupReady)
                {
                    // Again after every failure: a Redis that restarted without its data has lost the group too.
                    await EnsureGroupAsync(database);
                    groupReady = true;
                }

                if (position == New && _time.GetUtcNow() >= nextReclaim)
                {
                    await ReclaimAsync(database, stoppingToken);
                    nextReclaim = _time.GetUtcNow() + s.ReclaimAfter;
                }

                // Its own pending entries one at a time: one of them may be the huge entry that stopped it.
                var entries = await database.StreamReadGroupAsync(s.Stream, s.Group, s.Consumer, position, position == FirstPending ? 1 : s.BatchSize);
                if (failures > 0)
                {
                    RedisStreamLog.Recovered(_logger, s.Stream);
                    failures = 0;
                }

                if (entries.Length == 0)
                {
                    if (position == FirstPending)
                    {
                        position = New;
                        continue;
                    }

                    await Task.Delay(s.IdleDelay, _time, stoppingToken);
                    continue;
                }

                foreach (var entry in entries)
                {
                    await ProcessIfMineAsync(database, entry, stoppingToken);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                if (failures++ == 0)
                {
                    RedisStreamLog.Unavailable(_logger, s.Stream, exception.GetType().Name, exception.Message);
                }

                groupReady = false;
                position = FirstPending;
                await Task.Delay(Backoff(failures), _time, stoppingToken);
            }
        }
    }

    private async Task EnsureGroupAsync(IDatabase database)
    {
        try
        {
            // From the stream's beginning: entries written before the first instance started are not lost.
            await database.StreamCreateConsumerGroupAsync(Settings.Stream, Settings.Group, "0-0", createStream: true);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists: another instance, or an earlier run, created it.
        }
    }

    /// <summary>Takes over, and handles, the entries other consumers read but left unacknowledged for too long.</summary>
    private async Task ReclaimAsync(IDatabase database, CancellationToken ct)
    {
        var s = Settings;
        RedisValue start = "0-0";
        do
        {
            var claimed = await database.StreamAutoClaimAsync(s.Stream, s.Group, s.Consumer, (long)s.ReclaimAfter.TotalMilliseconds, start, s.BatchSize);
            if (claimed.IsNull)
            {
                return;
            }

            if (claimed.ClaimedEntries.Length > 0)
            {
                RedisStreamLog.Reclaimed(_logger, claimed.ClaimedEntries.Length, s.Stream, (long)s.ReclaimAfter.TotalSeconds);
                foreach (var entry in claimed.ClaimedEntries)
                {
                    await ProcessIfMineAsync(database, entry, ct);
                }
            }

            start = claimed.NextStartId;
        }
        while (start != "0-0" && !ct.IsCancellationRequested);
    }

    /// <summary>
    /// Keeps the entry this consumer's and returns how many times Redis has delivered it (plus this new delivery when
    /// <paramref name="newDelivery"/>), or null when it is no longer pending on this consumer: another instance took it
    /// over, or it was acknowledged.
    /// </summary>
    private async Task<int?> ClaimIfMineAsync(IDatabase database, RedisValue id, bool newDelivery)
    {
        var s = Settings;
        var result = await database.ScriptEvaluateAsync(
            ClaimIfMineScript, [(RedisKey)s.Stream], [s.Group, s.Consumer, id, newDelivery ? 1 : 0]);
        return result.IsNull ? null : (int)result;
    }

    private async Task ProcessIfMineAsync(IDatabase database, StreamEntry entry, CancellationToken ct)
    {
        // An entry of a batch (or of a reclaim) may have been taken over by another instance while the ones before it
        // were handled: it is that instance's now.
        if (await ClaimIfMineAsync(database, entry.Id, newDelivery: false) is not { } deliveries)
        {
            RedisStreamLog.NoLongerMine(_logger, entry.Id.ToString(), Settings.Stream);
            return;
        }

        await ProcessAsync(database, entry, deliveries, ct);
    }

    private async Task ProcessAsync(IDatabase database, StreamEntry entry, int deliveries, CancellationToken ct)
    {
        var s = Settings;
        if (entry.Values is null or { Length: 0 })
        {
            // Pending, but trimmed or deleted from the stream since it was read: nothing is left to handle.
            await database.StreamAcknowledgeAsync(s.Stream, s.Group, entry.Id);
            Count("gone");
            RedisStreamLog.Gone(_logger, entry.Id.ToString(), s.Stream);
            return;
        }

        if (deliveries > s.MaxDeliveries)
        {
            var last = _lastFailure.Id == entry.Id ? $"; the last attempt failed with {_lastFailure.Error}" : "";
            await DeadLetterAsync(database, entry, $"delivered {deliveries} times, more than MaxDeliveries ({s.MaxDeliveries}), without being acknowledged: each attempt failed or stopped the worker{last}", copy: true);
            return;
        }

        var size = Size(entry);
        if (size > s.MaxEntryBytes)
        {
            // Copying it would double a poison entry's memory in Redis: the reason says where it is.
            await DeadLetterAsync(database, entry, $"the entry is {size} bytes, more than MaxEntryBytes ({s.MaxEntryBytes}); its fields are not copied: read them with XRANGE {s.Stream} {entry.Id} {entry.Id} while the stream keeps it", copy: false);
            return;
        }

        var attempt = deliveries;
        var transientFailures = 0;
        while (true)
        {
            RedisStreamOutcome outcome;
            try
            {
                outcome = await HandleAsync(entry, ct);
            }
            catch (Exception exception) when (!ct.IsCancellationRequested && s.IsTransientFailure(exception) && transientFailures < s.MaxTransientRetries)
            {
                // Likely not the entry's fault (a dependency is down): retry it without counting a delivery, up to
                // MaxTransientRetries times in a row; then it counts as a failed delivery.
                if (transientFailures++ == 0)
                {
                    RedisStreamLog.DependencyUnavailable(_logger, entry.Id.ToString(), s.Stream, exception.GetType().Name, exception.Message);
                }

                await Task.Delay(Backoff(transientFailures), _time, ct);
                // Still this consumer's? Then reset its idle time (no new delivery counted); else leave it to its new owner.
                if (await ClaimIfMineAsync(database, entry.Id, newDelivery: false) is null)
                {
                    RedisStreamLog.NoLongerMine(_logger, entry.Id.ToString(), s.Stream);
                    return;
                }

                continue;
            }
            catch (Exception exception) when (!ct.IsCancellationRequested)
            {
                var error = transientFailures > 0
                    ? $"{Describe(exception)} (a transient-looking failure, {transientFailures + 1} times in a row, more than MaxTransientRetries ({s.MaxTransientRetries}))"
                    : Describe(exception);
                _lastFailure = (entry.Id, error);
                RedisStreamLog.HandlerFailed(_logger, exception, entry.Id.ToString(), s.Stream, attempt, s.MaxDeliveries);
                if (attempt >= s.MaxDeliveries)
                {
                    await DeadLetterAsync(database, entry, $"handling failed on each of {attempt} deliveries (MaxDeliveries); the last attempt failed with {error}", copy: true);
                    return;
                }

                await Task.Delay(Backoff(attempt), _time, ct);
                // Deliver it again (Redis counts the delivery), if it is still this consumer's.
                if (await ClaimIfMineAsync(database, entry.Id, newDelivery: true) is not { } delivered)
                {
                    RedisStreamLog.NoLongerMine(_logger, entry.Id.ToString(), s.Stream);
                    return;
                }

                attempt = delivered;
                transientFailures = 0;
                continue;
            }

            if (transientFailures > 0)
            {
                RedisStreamLog.Recovered(_logger, s.Stream);
            }

            if (outcome.DeadLetterReason is { } reason)
            {
                await DeadLetterAsync(database, entry, reason, copy: true);
                return;
            }

            await database.StreamAcknowledgeAsync(s.Stream, s.Group, entry.Id);
            Count("handled");
            return;
        }
    }

    private async Task<RedisStreamOutcome> HandleAsync(StreamEntry entry, CancellationToken ct)
    {
        var s = Settings;
        using var activity = RedisStreamTelemetry.Source.StartActivity($"process {s.Stream}", ActivityKind.Consumer);
        activity?.SetTag("messaging.system", "redis");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.destination.name", s.Stream);
        activity?.SetTag("messaging.consumer.group.name", s.Group);
        activity?.SetTag("messaging.message.id", entry.Id.ToString());
        using var scope = RedisStreamLog.EntryScope(_logger, s.Stream, entry.Id.ToString());
        try
        {
            await using var services = _scopes.CreateAsyncScope();
            return await services.ServiceProvider.GetRequiredService<THandler>().HandleAsync(entry, ct);
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            throw;
        }
    }

    private async Task DeadLetterAsync(IDatabase database, StreamEntry entry, string reason, bool copy)
    {
        var s = Settings;
        // The id and the reason, then the entry's own fields prefixed with "field:": no name the producer chose can
        // collide with (or, for a reader that keeps the last field of a name, replace) the id or the reason.
        NameValueEntry[] fields = copy
            ? [new("id", entry.Id), new("reason", reason), .. entry.Values.Select(v => new NameValueEntry(FieldPrefix + v.Name, v.Value))]
            : [new("id", entry.Id), new("reason", reason)];
        await database.StreamAddAsync(s.DeadLetterStream, fields, maxLength: s.DeadLetterMaxLength, useApproximateMaxLength: true);
        await database.StreamAcknowledgeAsync(s.Stream, s.Group, entry.Id);
        Count("dead_lettered");
        RedisStreamLog.DeadLettered(_logger, entry.Id.ToString(), s.Stream, s.DeadLetterStream, reason);
    }

    private void Count(string result) =>
        _entries.Add(1, new KeyValuePair<string, object?>("stream", Settings.Stream), new KeyValuePair<string, object?>("result", result));

    private TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(Settings.MaxRetryDelay.TotalMilliseconds, 250 * Math.Pow(2, Math.Clamp(failures, 1, 16))));

    private static long Size(StreamEntry entry)
    {
        long size = 0;
        foreach (var field in entry.Values)
        {
            size += field.Name.Length() + field.Value.Length();
        }

        return size;
    }

    private static string Describe(Exception exception)
    {
        var message = exception.Message.Length > 500 ? exception.Message[..500] + "…" : exception.Message;
        return $"{exception.GetType().Name}: {message}";
    }

    /// <summary>The failures no entry causes: a dependency down or slow.</summary>
    internal static bool IsBuiltInTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RedisConnectionException or RedisTimeoutException or TimeoutException or SocketException:
                case DbException { IsTransient: true }:
                case HttpRequestException { StatusCode: null or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError }:
                    return true;
            }
        }

        return false;
    }
}
