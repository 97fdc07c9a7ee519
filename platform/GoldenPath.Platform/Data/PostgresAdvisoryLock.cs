using Npgsql;

namespace GoldenPath.Platform.Data;

/// <summary>
/// A PostgreSQL session advisory lock on a connection of its own: held while that connection lives, released by the
/// server the moment the holder's connection ends — when the replica disposes it, exits, or dies (SIGKILL, a lost node),
/// so a lock never outlives its holder. Replicas share one database and so one set of these locks.
/// </summary>
internal sealed class PostgresAdvisoryLock : IAsyncDisposable
{
    /// <summary>The first half of every key the platform locks, so that its locks never meet another application's in a shared database.</summary>
    private const int Application = 0x47504C54; // "GPLT"

    private readonly NpgsqlConnection _connection;
    private readonly int _key;

    private PostgresAdvisoryLock(NpgsqlConnection connection, int key) => (_connection, _key) = (connection, key);

    /// <summary>Migrating the schema: one replica at a time, the others wait and then find nothing pending.</summary>
    public const int Migrations = 1;

    /// <summary>Running the periodic background jobs (the purge of expired instances): one replica at a time.</summary>
    public const int BackgroundJobs = 2;

    /// <summary>Waits until this replica holds the lock <paramref name="key"/>.</summary>
    public static async Task<PostgresAdvisoryLock> AcquireAsync(string connectionString, int key, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(connectionString, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@application, @key)", connection);
            command.Parameters.AddWithValue("application", Application);
            command.Parameters.AddWithValue("key", key);
            command.CommandTimeout = 0; // as long as the holder takes: a migration of a large table can take minutes
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new PostgresAdvisoryLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The lock <paramref name="key"/> if no other replica holds it now, else null.</summary>
    public static async Task<PostgresAdvisoryLock?> TryAcquireAsync(string connectionString, int key, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(connectionString, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@application, @key)", connection);
            command.Parameters.AddWithValue("application", Application);
            command.Parameters.AddWithValue("key", key);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                return new PostgresAdvisoryLock(connection, key);
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Whether this replica still holds the lock: its connection answers and the server lists the lock as this session's.
    /// False once the connection broke (a restarted server, a terminated backend): another replica may hold it by now.
    /// </summary>
    public async Task<bool> IsHeldAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid = @application::oid AND objid = @key::oid AND granted)",
                _connection);
            command.Parameters.AddWithValue("application", (long)Application);
            command.Parameters.AddWithValue("key", (long)_key);
            command.CommandTimeout = 5;
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Releases the lock by closing its connection (the server releases a session's locks as it ends).</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        // Not pooled: a pooled connection returned to the pool would keep the lock in a session that outlives this holder.
        // Keepalives find a holder's connection that died without a word.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 5, MaxAutoPrepare = 0 }.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
