using Npgsql;

namespace OrdersWorker;

/// <summary>A recorded order.</summary>
/// <param name="OrderId">The order id.</param>
/// <param name="UserId">The user who placed it.</param>
/// <param name="Amount">The amount.</param>
/// <param name="PlacedAt">When it was placed.</param>
/// <param name="ProcessedAt">When the worker recorded it.</param>
public sealed record OrderRecord(Guid OrderId, Guid UserId, decimal Amount, DateTimeOffset PlacedAt, DateTimeOffset ProcessedAt);

/// <summary>The orders table. Inserting an order twice is a no-op, which makes event handling idempotent.</summary>
public sealed class OrderStore(NpgsqlDataSource db)
{
    private volatile bool _schemaReady;

    /// <summary>
    /// Creates the table when it is missing, on first use: a PostgreSQL that is down at start delays the first event
    /// (the consumer retries it) rather than the start.
    /// </summary>
    public async Task EnsureSchemaAsync(CancellationToken ct)
    {
        if (_schemaReady)
        {
            return;
        }

        await using var command = db.CreateCommand("""
            CREATE TABLE IF NOT EXISTS orders (
                order_id uuid PRIMARY KEY,
                user_id uuid NOT NULL,
                amount numeric(12, 2) NOT NULL,
                placed_at timestamptz NOT NULL,
                processed_at timestamptz NOT NULL)
            """);
        await command.ExecuteNonQueryAsync(ct);
        _schemaReady = true;
    }

    /// <summary>Records an order; returns false when it was recorded before.</summary>
    public async Task<bool> TryRecordAsync(OrderRecord order, CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
        await using var command = db.CreateCommand(
            "INSERT INTO orders (order_id, user_id, amount, placed_at, processed_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_id) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = order.OrderId });
        command.Parameters.Add(new NpgsqlParameter { Value = order.UserId });
        command.Parameters.Add(new NpgsqlParameter { Value = order.Amount });
        command.Parameters.Add(new NpgsqlParameter { Value = order.PlacedAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = order.ProcessedAt.ToUniversalTime() });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<OrderRecord?> FindAsync(Guid orderId, CancellationToken ct)
    {
        await EnsureSchemaAsync(ct);
        await using var command = db.CreateCommand("SELECT order_id, user_id, amount, placed_at, processed_at FROM orders WHERE order_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = orderId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new OrderRecord(reader.GetGuid(0), reader.GetGuid(1), reader.GetDecimal(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4))
            : null;
    }
}
