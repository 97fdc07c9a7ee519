using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GoldenPath.Platform.Data;

/// <summary>
/// Ready while the store answers a query. Opening a connection is not enough: a pooled connection opens without a word
/// to the server, so a paused or restarting PostgreSQL would still look ready while every request waits or fails.
/// </summary>
internal sealed class StoreHealthCheck(PlatformDbContext db) : IHealthCheck
{
    /// <summary>How long opening a connection and the query may take: well inside the probe's own bound (GoldenPath:Health:CheckTimeout, 5 s by default).</summary>
    private const int QueryTimeoutSeconds = 2;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var provider = db.Database.ProviderName;
        // Opening a connection is bounded too: a server that is down behind a proxy that accepts connections (Docker's,
        // a cloud load balancer) leaves the open waiting for as long as the connect timeout (15 s).
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(TimeSpan.FromSeconds(QueryTimeoutSeconds));
        try
        {
            await db.Database.OpenConnectionAsync(bounded.Token);
            try
            {
                await using var query = db.Database.GetDbConnection().CreateCommand();
                query.CommandText = "SELECT 1";
                query.CommandTimeout = QueryTimeoutSeconds;
                await query.ExecuteScalarAsync(bounded.Token);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }

            return HealthCheckResult.Healthy($"The {provider} store answers.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The {provider} store does not answer a query within {QueryTimeoutSeconds} s.", exception);
        }
    }
}
