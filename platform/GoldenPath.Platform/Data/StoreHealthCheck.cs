using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GoldenPath.Platform.Data;

/// <summary>
/// Ready while the store answers a query within <see cref="Bound"/>. Opening a connection is not enough: a pooled
/// connection opens without a word to the server, so a paused or restarting PostgreSQL would still look ready while
/// every request waits or fails.
/// </summary>
/// <remarks>
/// The bound is kept by waiting, not by the driver: Npgsql opening a new physical connection to a paused server (TCP
/// accepted by the kernel, the startup message never answered) ignores cancellation until its own connect timeout
/// (15 s), which kept a readiness probe waiting past the probe's own bound. The query runs in a scope of its own that is
/// disposed when the query ends; while one is still waiting, later probes wait for that one instead of opening more
/// connections to a server that does not answer. One instance serves every probe (a singleton).
/// </remarks>
internal sealed class StoreHealthCheck(IServiceScopeFactory scopes, TimeProvider time) : IHealthCheck
{
    /// <summary>How long opening a connection and the query may take: well inside the probe's own bound (GoldenPath:Health:CheckTimeout, 5 s by default).</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private Task<Exception?>? _query;
    private DateTimeOffset _queryStartedAt;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Task<Exception?> query;
        DateTimeOffset startedAt;
        lock (_lock)
        {
            if (_query is null || _query.IsCompleted)
            {
                _queryStartedAt = time.GetUtcNow();
                _query = QueryAsync();
            }

            query = _query;
            startedAt = _queryStartedAt;
        }

        Exception? failure;
        try
        {
            failure = await query.WaitAsync(Bound, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            var waiting = time.GetUtcNow() - startedAt;
            return HealthCheckResult.Unhealthy($"The store does not answer a query within {Bound.TotalSeconds:0} s (the query has waited {waiting.TotalSeconds:0.0} s).");
        }

        return failure is null
            ? HealthCheckResult.Healthy("The store answers.")
            : HealthCheckResult.Unhealthy($"The store failed a query ({failure.GetType().Name}).", failure);
    }

    private async Task<Exception?> QueryAsync()
    {
        // Leaves the caller's synchronous context before the first await on the driver.
        await Task.Yield();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
            // Bounded for drivers that honour cancellation; the wait above bounds the others.
            using var bounded = new CancellationTokenSource(Bound, time);
            await db.Database.OpenConnectionAsync(bounded.Token);
            try
            {
                await using var query = db.Database.GetDbConnection().CreateCommand();
                query.CommandText = "SELECT 1";
                query.CommandTimeout = (int)Bound.TotalSeconds;
                await query.ExecuteScalarAsync(bounded.Token);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }

            return null;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }
}
