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
    private const string New = ">";

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

                var entries = await database.StreamReadGroupAsync(s.Stream, s.Group, s.Consumer, position, s.BatchSize);
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

                // An entry read again (after a restart or a failure) has been delivered before: Redis counts how often.
                var deliveries = position == FirstPending ? await GetDeliveriesAsync(database, entries) : null;
                foreach (var entry in entries)
                {
                    await ProcessAsync(database, entry, deliveries?.GetValueOrDefault(entry.Id, 1) ?? 1, stoppingToken);
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
                var deliveries = await GetDeliveriesAsync(database, claimed.ClaimedEntries);
                foreach (var entry in claimed.ClaimedEntries)
                {
                    await ProcessAsync(database, entry, deliveries.GetValueOrDefault(entry.Id, 1), ct);
                }
            }

            start = claimed.NextStartId;
        }
        while (start != "0-0" && !ct.IsCancellationRequested);
    }

    /// <summary>How many times Redis has delivered each of these entries, all pending on this consumer.</summary>
    private async Task<Dictionary<RedisValue, int>> GetDeliveriesAsync(IDatabase database, StreamEntry[] entries)
    {
        var pending = await database.StreamPendingMessagesAsync(
            Settings.Stream, Settings.Group, entries.Length, Settings.Consumer, minId: entries[0].Id, maxId: entries[^1].Id);
        return pending.ToDictionary(p => p.MessageId, p => p.DeliveryCount);
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
            catch (Exception exception) when (!ct.IsCancellationRequested && s.IsTransientFailure(exception))
            {
                // Not the entry's fault (a dependency is down): retry it for as long as that lasts, without counting it.
                if (transientFailures++ == 0)
                {
                    RedisStreamLog.DependencyUnavailable(_logger, entry.Id.ToString(), s.Stream, exception.GetType().Name, exception.Message);
                }

                await Task.Delay(Backoff(transientFailures), _time, ct);
                // Keep it this consumer's: reset its idle time (JUSTID does not count a delivery), so no other takes it over.
                await database.StreamClaimIdsOnlyAsync(s.Stream, s.Group, s.Consumer, 0, [entry.Id]);
                continue;
            }
            catch (Exception exception) when (!ct.IsCancellationRequested)
            {
                var error = Describe(exception);
                _lastFailure = (entry.Id, error);
                RedisStreamLog.HandlerFailed(_logger, exception, entry.Id.ToString(), s.Stream, attempt, s.MaxDeliveries);
                if (attempt >= s.MaxDeliveries)
                {
                    await DeadLetterAsync(database, entry, $"handling failed on each of {attempt} deliveries (MaxDeliveries); the last attempt failed with {error}", copy: true);
                    return;
                }

                await Task.Delay(Backoff(attempt), _time, ct);
                // Deliver it again (Redis counts the delivery); nothing back: it is no longer this consumer's.
                if ((await database.StreamClaimAsync(s.Stream, s.Group, s.Consumer, 0, [entry.Id])).Length == 0)
                {
                    return;
                }

                attempt++;
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
        // The id and the reason come first, so they are found by name even when the entry has fields of those names.
        NameValueEntry[] fields = copy
            ? [new("id", entry.Id), new("reason", reason), .. entry.Values]
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
