using System.Diagnostics.Metrics;
using System.Globalization;
using GoldenPath.Streams.Redis;
using StackExchange.Redis;

namespace OrdersWorker;

/// <summary>
/// Handles one <c>OrderPlaced</c> event of the <c>orders</c> Redis stream: records the order once in PostgreSQL.
/// The stream is read by GoldenPath.Streams.Redis as the consumer group <c>orders-worker</c> (the service's name);
/// an event that cannot be read goes to <c>orders:dead-letter</c>, and so does one PostgreSQL rejects with a data error
/// (SQLSTATE class 22 or 23) on 5 deliveries; other PostgreSQL errors are the database's and are retried without
/// counting a delivery (see <see cref="OrdersProcessingExtensions.IsTransientDatabaseError"/>). Outcomes are counted in
/// <c>orders_worker.events</c>.
/// </summary>
internal sealed partial class OrderPlacedHandler(OrderStore store, TimeProvider time, OrdersMetrics metrics, ILogger<OrderPlacedHandler> logger) : IRedisStreamHandler
{
    public const string StreamKey = "orders";

    public async ValueTask<RedisStreamOutcome> HandleAsync(StreamEntry entry, CancellationToken cancellationToken)
    {
        if (!TryParse(entry, out var order))
        {
            metrics.Count("invalid");
            return RedisStreamOutcome.DeadLetter("not an OrderPlaced event: orderId, userId (GUIDs), amount (> 0) and placedAt (ISO 8601) are required");
        }

        var recorded = await store.TryRecordAsync(order with { ProcessedAt = time.GetUtcNow() }, cancellationToken);
        metrics.Count(recorded ? "recorded" : "duplicate");
        if (recorded)
        {
            OrderRecorded(logger, order.OrderId, order.UserId);
        }

        return RedisStreamOutcome.Handled;
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
}

/// <summary>The worker's own metric: order events by result (recorded, duplicate, invalid).</summary>
internal sealed class OrdersMetrics(IMeterFactory meters)
{
    private readonly Counter<long> _events = meters.Create("orders-worker").CreateCounter<long>("orders_worker.events", "{event}", "Order events handled, by result.");

    public void Count(string result) => _events.Add(1, new KeyValuePair<string, object?>("result", result));
}
