using Npgsql;

namespace GpTemplateNamespace.Items;

/// <summary>
/// Items in PostgreSQL. The table is created when the service starts; once the schema grows, move to a
/// migrations tool (EF Core migrations, DbUp, Flyway) run before the new version rolls out.
/// </summary>
public sealed class PostgresItemStore(NpgsqlDataSource db, TimeProvider time) : IItemStore, IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            CREATE TABLE IF NOT EXISTS items (
                id uuid PRIMARY KEY,
                name text NOT NULL,
                created_at timestamptz NOT NULL)
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<Item> AddAsync(string name, CancellationToken ct)
    {
        // PostgreSQL keeps microseconds: the item answered now is the item read later.
        var now = time.GetUtcNow();
        var item = new Item(Guid.CreateVersion7(now), name, now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond)));
        await using var command = db.CreateCommand("INSERT INTO items (id, name, created_at) VALUES ($1, $2, $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = item.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = item.Name });
        command.Parameters.Add(new NpgsqlParameter { Value = item.CreatedAt });
        await command.ExecuteNonQueryAsync(ct);
        return item;
    }

    public async Task<Item?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT id, name, created_at FROM items WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<Item>> ListAsync(int limit, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT id, name, created_at FROM items ORDER BY id LIMIT $1");
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var items = new List<Item>();
        while (await reader.ReadAsync(ct))
        {
            items.Add(Read(reader));
        }

        return items;
    }

    private static Item Read(NpgsqlDataReader reader) =>
        new(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
}
