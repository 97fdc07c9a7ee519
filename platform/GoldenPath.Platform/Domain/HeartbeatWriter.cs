using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace GoldenPath.Platform.Domain;

/// <summary>
/// Writes the heartbeats of known instances, many to a round trip. Heartbeats are nearly all of the platform's
/// writes (10,000 instances at the SDK's 30 s interval are 333 a second); written one by one each costs a pooled
/// connection, a statement and a commit. Here a heartbeat waits only while the previous batch is being written: alone
/// it is written at once, under load the queue that builds up meanwhile goes in one batch and one commit, as a
/// database's group commit does. Each heartbeat is one <c>UPDATE ... RETURNING</c> of its row while it is live (the
/// registration's fields and the new expiry; an expired instance is registered again by the caller), built from the EF Core model
/// (table, columns, each column's value converter) because EF Core's <c>ExecuteUpdate</c> neither batches nor returns
/// rows; PostgreSQL runs a batch as one <see cref="DbBatch"/>, SQLite (3.35+) statement by statement in one transaction.
/// A batch the store refuses for one heartbeat's values is written again in halves, so one tenant's bad heartbeat
/// never fails another's.
/// </summary>
internal sealed partial class HeartbeatWriter(IServiceScopeFactory scopes, ILogger<HeartbeatWriter> logger) : BackgroundService
{
    /// <summary>The most heartbeats written in one round trip.</summary>
    public const int MaxBatch = 256;

    private static readonly ConditionalWeakTable<IModel, Statement> s_statements = new();

    private readonly Channel<Heartbeat> _queue = Channel.CreateUnbounded<Heartbeat>();

    /// <summary>
    /// Writes the heartbeat of a live instance and returns the row as written, or null when no such instance is live
    /// (register it: an instance that expired counts against the service's cap again).
    /// </summary>
    public async Task<InstanceEntity?> RefreshAsync(string name, string instanceId, InstanceRegistration registration, DateTimeOffset now, DateTimeOffset expires, CancellationToken ct)
    {
        var heartbeat = new Heartbeat(name, instanceId, registration, now, expires);
        if (!_queue.Writer.TryWrite(heartbeat))
        {
            throw new StoppingException();
        }

        return await heartbeat.Written.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // PostgreSQL writes two batches at once (one can be committing while the next is sent); SQLite has one writer.
        bool postgres;
        using (var scope = scopes.CreateScope())
        {
            postgres = scope.ServiceProvider.GetRequiredService<PlatformDbContext>().Database.IsNpgsql();
        }

        return Task.WhenAll(Enumerable.Range(0, postgres ? 2 : 1).Select(_ => WriteBatchesAsync(stoppingToken)));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        while (_queue.Reader.TryRead(out var left))
        {
            left.Written.TrySetCanceled(CancellationToken.None);
        }
    }

    private async Task WriteBatchesAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Heartbeat>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var heartbeat))
                {
                    batch.Add(heartbeat);
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                await WriteOrSplitAsync(batch, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            foreach (var heartbeat in batch)
            {
                heartbeat.Written.TrySetCanceled(stoppingToken);
            }
        }
    }

    /// <summary>
    /// Writes a batch; when the store refuses it for what one heartbeat carries (not for being unreachable), writes its
    /// halves apart, and so on down to the heartbeat at fault, so that only that one fails: a bad heartbeat among 256
    /// costs 2·log₂256 = 16 more round trips, not 256, and never another instance's heartbeat.
    /// </summary>
    private async Task WriteOrSplitAsync(List<Heartbeat> batch, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
            var written = await db.Database.CreateExecutionStrategy().ExecuteAsync(batch, (_, b, ct) => WriteAsync(db, b, ct), null, stoppingToken).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Written.TrySetResult(written[i]);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            if (batch.Count > 1 && !IsStoreUnavailable(exception))
            {
                BatchSplit(logger, batch.Count, exception.Message);
                var half = batch.Count / 2;
                await WriteOrSplitAsync(batch.GetRange(0, half), stoppingToken).ConfigureAwait(false);
                await WriteOrSplitAsync(batch.GetRange(half, batch.Count - half), stoppingToken).ConfigureAwait(false);
                return;
            }

            BatchFailed(logger, batch.Count, batch[0].Name, batch[0].InstanceId, exception);
            foreach (var heartbeat in batch)
            {
                heartbeat.Written.TrySetException(exception);
            }
        }
    }

    /// <summary>Whether the failure is the store's (unreachable, overloaded, out of retries) rather than a heartbeat's: then every heartbeat would fail alike.</summary>
    private static bool IsStoreUnavailable(Exception exception) =>
        exception is RetryLimitExceededException or TimeoutException or OperationCanceledException || exception is DbException { IsTransient: true };

    private static async Task<InstanceEntity?[]> WriteAsync(PlatformDbContext db, List<Heartbeat> batch, CancellationToken ct)
    {
        var statement = s_statements.GetValue(db.Model, Statement.Create);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            var registeredAt = new object?[batch.Count];
            if (connection.CanCreateBatch)
            {
                await using var dbBatch = connection.CreateBatch();
                foreach (var heartbeat in batch)
                {
                    var command = dbBatch.CreateBatchCommand();
                    command.CommandText = statement.Sql;
                    statement.Bind(command.CreateParameter, command.Parameters, heartbeat);
                    dbBatch.BatchCommands.Add(command);
                }

                await using var reader = await dbBatch.ExecuteReaderAsync(ct).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    registeredAt[i] = await reader.ReadAsync(ct).ConfigureAwait(false) ? reader.GetValue(0) : null;
                    await reader.NextResultAsync(ct).ConfigureAwait(false);
                }
            }
            else
            {
                await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    await using var command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = statement.Sql;
                    statement.Bind(command.CreateParameter, command.Parameters, batch[i]);
                    registeredAt[i] = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
            }

            return [.. batch.Select((heartbeat, i) => registeredAt[i] is { } value and not DBNull ? heartbeat.ToEntity(statement.ReadRegisteredAt(value)) : null)];
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The replica is stopping and writes no more heartbeats: the instance sends it again, to another replica.</summary>
    internal sealed class StoppingException() : InvalidOperationException("The platform is stopping and takes no more heartbeats; the instance retries on its next heartbeat.");

    [LoggerMessage(2201, LogLevel.Error, "Writing {Count} heartbeats failed (the first of {ServiceName} instance {InstanceId}); each of those instances is told so and sends its next heartbeat as usual.")]
    private static partial void BatchFailed(ILogger logger, int count, string serviceName, string instanceId, Exception exception);

    [LoggerMessage(2202, LogLevel.Warning, "The store refused a batch of {Count} heartbeats ({Reason}); writing its halves apart so that only the heartbeat at fault fails.")]
    private static partial void BatchSplit(ILogger logger, int count, string reason);

    private sealed record Heartbeat(string Name, string InstanceId, InstanceRegistration Registration, DateTimeOffset Now, DateTimeOffset Expires)
    {
        public TaskCompletionSource<InstanceEntity?> Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public InstanceEntity ToEntity(DateTimeOffset registeredAt) => CatalogService.Apply(
            new InstanceEntity { ServiceName = Name, InstanceId = InstanceId, Version = "", Environment = "", SdkVersion = "", RegisteredAt = registeredAt },
            Registration, Now, Expires);
    }

    /// <summary>The statement for one model (PostgreSQL's or SQLite's) and the converter of each of its parameters.</summary>
    private sealed class Statement
    {
        private static readonly string[] s_written =
        [
            nameof(InstanceEntity.Version), nameof(InstanceEntity.Environment), nameof(InstanceEntity.SdkVersion),
            nameof(InstanceEntity.Template), nameof(InstanceEntity.TemplateVersion), nameof(InstanceEntity.Endpoints),
            nameof(InstanceEntity.HealthLive), nameof(InstanceEntity.HealthReady), nameof(InstanceEntity.HealthStartup), nameof(InstanceEntity.Dependencies),
            nameof(InstanceEntity.Commit), nameof(InstanceEntity.Status), nameof(InstanceEntity.TelemetryConfigured), nameof(InstanceEntity.StartedAt),
            nameof(InstanceEntity.LastHeartbeatAt), nameof(InstanceEntity.ExpiresAt),
        ];

        private readonly ValueConverter?[] _converters;
        private readonly ValueConverter? _registeredAt;

        private Statement(string sql, ValueConverter?[] converters, ValueConverter? registeredAt) => (Sql, _converters, _registeredAt) = (sql, converters, registeredAt);

        public string Sql { get; }

        public static Statement Create(IModel model)
        {
            var entity = model.FindEntityType(typeof(InstanceEntity))!;
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var converters = new List<ValueConverter?>();
            string Column(string property) => $"\"{entity.FindProperty(property)!.GetColumnName(table)}\"";
            string Parameter(string property)
            {
                converters.Add(entity.FindProperty(property)!.GetTypeMapping().Converter);
                return $"@p{converters.Count - 1}";
            }

            var now = Parameter(nameof(InstanceEntity.ExpiresAt));
            var registered = Column(nameof(InstanceEntity.RegisteredAt));
            var assignments = s_written.Select(p => $"{Column(p)} = {Parameter(p)}");
            var sql = $"UPDATE \"{table.Name}\" SET {string.Join(", ", assignments)} " +
                $"WHERE {Column(nameof(InstanceEntity.ServiceName))} = {Parameter(nameof(InstanceEntity.ServiceName))} " +
                $"AND {Column(nameof(InstanceEntity.InstanceId))} = {Parameter(nameof(InstanceEntity.InstanceId))} " +
                $"AND {Column(nameof(InstanceEntity.ExpiresAt))} > {now} RETURNING {registered}";
            return new Statement(sql, [.. converters], entity.FindProperty(nameof(InstanceEntity.RegisteredAt))!.GetTypeMapping().Converter);
        }

        public void Bind(Func<DbParameter> create, DbParameterCollection parameters, Heartbeat heartbeat)
        {
            var registration = heartbeat.Registration;
            object?[] values =
            [
                heartbeat.Now,
                registration.Version, registration.Environment, registration.SdkVersion,
                registration.Template, registration.TemplateVersion, new List<string>(registration.Endpoints ?? []),
                registration.Health?.Live, registration.Health?.Ready, registration.Health?.Startup, (registration.Dependencies ?? []).Select(StoredDependency.From).ToList(),
                registration.Commit, registration.Status, registration.TelemetryConfigured, registration.StartedAt?.ToUniversalTime(),
                heartbeat.Now, heartbeat.Expires,
                heartbeat.Name, heartbeat.InstanceId,
            ];
            for (var i = 0; i < values.Length; i++)
            {
                var parameter = create();
                parameter.ParameterName = $"p{i}";
                parameter.Value = (_converters[i] is { } converter ? converter.ConvertToProvider(values[i]) : values[i]) ?? DBNull.Value;
                parameters.Add(parameter);
            }
        }

        public DateTimeOffset ReadRegisteredAt(object value) => value switch
        {
            DateTime utc => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)), // Npgsql reads timestamptz as a UTC DateTime
            _ => (DateTimeOffset)(_registeredAt is { } converter ? converter.ConvertFromProvider(value)! : value),
        };
    }
}
