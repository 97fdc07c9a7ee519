using System.Data.Common;
using GoldenPath.Platform.Domain;
using Microsoft.EntityFrameworkCore.Storage;

namespace GoldenPath.Platform;

/// <summary>
/// Answers 503 with <c>Retry-After</c> when a request fails because the store cannot serve just now (a restarting or
/// failing-over PostgreSQL, connections killed on the server, a stopping replica's heartbeat queue), rather than 500:
/// clients and load balancers send a 503 again. Whether a change was written is unknown when the connection broke during
/// its commit, so the answer says which requests are applied once when repeated (PUTs, heartbeats, reports with their
/// identifiers) and which to read back first (a POST that creates a token).
/// </summary>
internal static partial class StoreUnavailable
{
    private const int RetryAfterSeconds = 1;

    public static IApplicationBuilder UseStoreUnavailableAsRetry(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested && IsStoreUnavailable(exception))
        {
            Answered(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StoreUnavailable)),
                context.Request.Method, context.Request.Path, exception.GetBaseException().Message);
            if (HasStalePreparedStatements(exception))
            {
                // The connection's record of what it prepared, or of where the protocol stands, no longer matches the
                // server's (a command cancelled while PostgreSQL was paused, with auto-prepare on): drop the pooled
                // connections so the next request gets a fresh one instead of failing again on one like it.
                Npgsql.NpgsqlConnection.ClearAllPools();
            }

            context.Response.Clear();
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Problems.Write(context, StatusCodes.Status503ServiceUnavailable, "Store unavailable",
                $"The platform's store did not answer this request (it may be restarting or failing over). Send it again after {RetryAfterSeconds} s (Retry-After). If the store was lost while committing, the change may already be written: a PUT, a heartbeat or a report with the same identifiers is applied once, but read before repeating a POST that creates something (a token).");
        }
    });

    /// <summary>Whether the failure is the store's being unreachable or interrupted, rather than anything the request holds.</summary>
    public static bool IsStoreUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is RetryLimitExceededException or TimeoutException or HeartbeatWriter.StoppingException || e is DbException { IsTransient: true } || IsStalePreparedStatement(e))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasStalePreparedStatements(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (IsStalePreparedStatement(e))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A connection out of step with the server: 42P05 (already exists) or 26000 (does not exist) for its prepared
    /// statements, or a failure on the client's side of the protocol (an <see cref="Npgsql.NpgsqlException"/> that is not
    /// the server's error, e.g. "Received backend message CommandComplete while expecting ParseCompleteMessage" after a
    /// command cancelled while PostgreSQL was paused). Npgsql drops such a connection; the pool may hold others like it.
    /// </summary>
    private static bool IsStalePreparedStatement(Exception e) =>
        e is Npgsql.PostgresException { SqlState: "42P05" or "26000" } || (e is Npgsql.NpgsqlException && e is not Npgsql.PostgresException);

    [LoggerMessage(2401, LogLevel.Warning, "{Method} {Path} answered 503: the store did not answer ({Reason}).")]
    private static partial void Answered(ILogger logger, string method, string path, string reason);
}
