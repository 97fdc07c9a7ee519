using System.Diagnostics.Metrics;
using System.Globalization;
using GoldenPath.ServiceDefaults;
using StackExchange.Redis;

namespace OrdersWorker;

/// <summary>
/// Consumes <c>OrderPlaced</c> events from the <c>orders</c> Redis stream as a member of the consumer group
/// <c>orders-worker</c>, records each order once in PostgreSQL and acknowledges it. Entries this instance
/// read but did not acknowledge before a crash are handled first on start; events that cannot be read go to
/// <c>orders:dead-letter</c>. Outcomes are counted in <c>orders_worker.events</c>.
/// </summary>
internal sealed partial class OrderConsumer(
    IConnectionMultiplexer redis,
    OrderStore store,
    ServiceInfo service,
    TimeProvider time,
    IMeterFactory meters,
    ILogger<OrderConsumer> logger) : BackgroundService
{
    public const string StreamKey = "orders";
    public const string GroupName = "orders-worker";
    public const string DeadLetterKey = "orders:dead-letter";

    private static readonly TimeSpan IdleDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly Counter<long> _events = meters.Create("orders-worker").CreateCounter<long>("orders_worker.events", "{event}", "Order events handled, by result.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var prepared = false;
        var position = "0"; // first this consumer's pending entries, then new ones
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!prepared)
                {
                    await PrepareAsync(stoppingToken);
                    prepared = true;
                }

                var entries = await redis.GetDatabase().StreamReadGroupAsync(StreamKey, GroupName, service.InstanceId, position, count: 50);
                if (failures > 0)
                {
                    Recovered(logger);
                    failures = 0;
                }

                if (entries.Length == 0)
                {
                    if (position == "0")
                    {
                        position = ">";
                        continue;
                    }

                    await Task.Delay(IdleDelay, time, stoppingToken);
                    continue;
                }

                foreach (var entry in entries)
                {
                    await HandleAsync(entry, stoppingToken);
                }
            }
            catch (Exception exception) when (exception is RedisException or Npgsql.NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                if (failures++ == 0)
                {
                    DependencyUnavailable(logger, exception.GetType().Name, exception.Message);
                }

                var delay = TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, 500 * Math.Pow(2, Math.Min(failures, 10))));
                await Task.Delay(delay, time, stoppingToken);
            }
        }
    }

    private async Task PrepareAsync(CancellationToken ct)
    {
        await store.EnsureSchemaAsync(ct);
        try
        {
            // From the stream's beginning: orders placed before the first worker started are not lost.
            await redis.GetDatabase().StreamCreateConsumerGroupAsync(StreamKey, GroupName, "0-0", createStream: true);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists: another instance, or an earlier run, created it.
        }
    }

    private async Task HandleAsync(StreamEntry entry, CancellationToken ct)
    {
        var database = redis.GetDatabase();
        if (!TryParse(entry, out var order))
        {
            await database.StreamAddAsync(DeadLetterKey, [.. entry.Values, new NameValueEntry("sourceId", entry.Id)]);
            await database.StreamAcknowledgeAsync(StreamKey, GroupName, entry.Id);
            _events.Add(1, new KeyValuePair<string, object?>("result", "invalid"));
            Invalid(logger, entry.Id.ToString());
            return;
        }

        var recorded = await store.TryRecordAsync(order with { ProcessedAt = time.GetUtcNow() }, ct);
        await database.StreamAcknowledgeAsync(StreamKey, GroupName, entry.Id);
        _events.Add(1, new KeyValuePair<string, object?>("result", recorded ? "recorded" : "duplicate"));
        if (recorded)
        {
            OrderRecorded(logger, order.OrderId, order.UserId);
        }
    }

    internal static bool TryParse(StreamEntry entry, out OrderRecord order)
    {
        order = null!;
        if (!Guid.TryParse((string?)entry["orderId"], out var orderId)
            || !Guid.TryParse((string?)entry["userId"], out var userId)
            || !decimal.TryParse((string?)entry["amount"], NumberStyles.Number, CultureInfo.InvariantCulture, out var amount) || amount <= 0
            || !DateTimeOffset.TryParse((string?)entry["placedAt"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var placedAt))
        {
            return false;
        }

        order = new OrderRecord(orderId, userId, amount, placedAt, default);
        return true;
    }

    [LoggerMessage(3001, LogLevel.Information, "Recorded order {OrderId} of user {UserId}.")]
    private static partial void OrderRecorded(ILogger logger, Guid orderId, Guid userId);

    [LoggerMessage(3002, LogLevel.Warning, "Stream entry {EntryId} is not an OrderPlaced event; moved to orders:dead-letter.")]
    private static partial void Invalid(ILogger logger, string entryId);

    [LoggerMessage(3003, LogLevel.Warning, "Redis or PostgreSQL is not available ({Error}: {Message}); retrying with backoff.")]
    private static partial void DependencyUnavailable(ILogger logger, string error, string message);

    [LoggerMessage(3004, LogLevel.Information, "Redis and PostgreSQL answer again; consuming order events.")]
    private static partial void Recovered(ILogger logger);
}
