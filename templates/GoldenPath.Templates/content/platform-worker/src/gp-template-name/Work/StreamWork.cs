using GoldenPath.ServiceDefaults;
using StackExchange.Redis;

namespace GpTemplateNamespace.Work;

/// <summary>
/// Work from the Redis stream <c>Worker:Stream</c> (default <c>work</c>; an entry's <c>payload</c> field is the
/// work), read as a member of the consumer group named after the service, one consumer per instance. An entry is
/// acknowledged once handled; entries this instance read but did not acknowledge before it stopped are handled
/// first when it starts again. An entry without a <c>payload</c> can never be handled: it is moved to
/// <c>{stream}:dead-letter</c> (with the reason) and acknowledged, so it does not block the stream. When Redis or the
/// work fails, the worker waits and retries (up to 30 s apart).
/// </summary>
public sealed partial class StreamWork(
    IConnectionMultiplexer redis,
    WorkProcessor processor,
    ServiceInfo service,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<StreamWork> logger) : BackgroundService
{
    public const string DefaultStream = "work";

    public string StreamKey { get; } = configuration.GetValue("Worker:Stream", DefaultStream)!;

    public string GroupName => service.Name;

    public string DeadLetterKey => $"{StreamKey}:dead-letter";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var position = "0"; // first this consumer's pending entries, then new ones
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var database = redis.GetDatabase();
                if (position == "0")
                {
                    await EnsureGroupAsync(database);
                }

                var entries = await database.StreamReadGroupAsync(StreamKey, GroupName, service.InstanceId, position, count: 50);
                failures = 0;
                if (entries.Length == 0)
                {
                    if (position == "0")
                    {
                        position = ">";
                    }
                    else
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(250), time, stoppingToken);
                    }

                    continue;
                }

                foreach (var entry in entries)
                {
                    var payload = entry["payload"];
                    if (payload.IsNullOrEmpty)
                    {
                        await database.StreamAddAsync(DeadLetterKey, [new("id", entry.Id), new("reason", "the entry has no 'payload' field")]);
                        DeadLettered(logger, entry.Id.ToString(), DeadLetterKey);
                    }
                    else
                    {
                        await processor.ProcessAsync(new WorkItem(entry.Id!, payload!), stoppingToken);
                    }

                    await database.StreamAcknowledgeAsync(StreamKey, GroupName, entry.Id);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(failures, 7))));
                ReadFailed(logger, delay, exception);
                position = "0";
                await Task.Delay(delay, time, stoppingToken);
            }
        }
    }

    private async Task EnsureGroupAsync(IDatabase database)
    {
        try
        {
            await database.StreamCreateConsumerGroupAsync(StreamKey, GroupName, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Work entry {EntryId} has no payload; moved to {DeadLetterKey}")]
    private static partial void DeadLettered(ILogger logger, string entryId, string deadLetterKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading work from Redis failed; retrying in {Delay}")]
    private static partial void ReadFailed(ILogger logger, TimeSpan delay, Exception exception);
}
