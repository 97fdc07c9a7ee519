using Npgsql;

namespace GpTemplateNamespace.Work;

/// <summary>
/// The ledger in PostgreSQL (table <c>processed_work</c>, created when the service starts; once the schema grows,
/// move to a migrations tool run before the new version rolls out).
/// </summary>
public sealed class PostgresWorkLedger(NpgsqlDataSource db) : IWorkLedger, IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            CREATE TABLE IF NOT EXISTS processed_work (
                id text PRIMARY KEY,
                payload text NOT NULL,
                processed_at timestamptz NOT NULL)
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<bool> TryRecordAsync(WorkItem item, DateTimeOffset processedAt, CancellationToken ct)
    {
        await using var command = db.CreateCommand("INSERT INTO processed_work (id, payload, processed_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = item.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = item.Payload });
        command.Parameters.Add(new NpgsqlParameter { Value = processedAt });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<WorkStatus> GetStatusAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT count(*), max(processed_at) FROM processed_work");
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new WorkStatus(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
    }
}
