using Npgsql;

namespace GoldenPath.Platform.Data;

/// <summary>
/// A PostgreSQL session advisory lock on a connection of its own: held while that connection lives, released by the
/// server the moment the holder's connection ends — when the replica disposes it, exits, or dies (SIGKILL; a lost node
/// within <see cref="VanishedHolderBound"/>, by the server's keepalives), so a lock never outlives its holder for long. Replicas share one database and so one set of these locks.
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

    /// <summary>
    /// The server's side of the keepalives, for this session only: PostgreSQL probes a lock holder's connection after
    /// 10 s without traffic, every 5 s, and drops it after 3 unanswered probes — or when data it sent stays unacknowledged
    /// for 25 s. A holder that vanished without closing its connection (a lost node, a cut network) so loses its locks
    /// within about 25 s, not the two hours of the operating system's defaults. Set with SET rather than as startup
    /// options, which a session-mode pooler in between may refuse.
    /// </summary>
    internal const string ServerKeepalives =
        "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3; SET tcp_user_timeout = 25000";

    /// <summary>The longest a vanished holder keeps its locks: 10 s idle + 3 probes 5 s apart, or 25 s of unacknowledged data.</summary>
    internal static readonly TimeSpan VanishedHolderBound = TimeSpan.FromSeconds(25);

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        // Not pooled: a pooled connection returned to the pool would keep the lock in a session that outlives this holder.
        // The client's keepalive (a query every 5 s) finds a server that died without a word; the server's own find a
        // holder that did (ServerKeepalives).
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 5, MaxAutoPrepare = 0 }.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var keepalives = new NpgsqlCommand(ServerKeepalives, connection);
            await keepalives.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    /// <summary>Runs a scalar query on the lock's own session (tests read its settings with it).</summary>
    internal async Task<object?> QueryAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, _connection);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
