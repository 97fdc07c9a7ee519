using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GoldenPath.ServiceDefaults.Health;

/// <summary>
/// Bounds a check's run time. The framework's per-registration timeout only cancels the token it passes in,
/// and a check stuck in I/O that ignores it (a client waiting on a paused server) holds the probe for as long
/// as its own client timeout; this answers with the registration's failure status when the time is up and
/// lets the abandoned call finish in the background.
/// </summary>
/// <remarks>
/// The check runs in a scope of its own, disposed when the check ends rather than when the probe is answered: the
/// framework disposes its scope as soon as the run returns, and disposing a scoped service still in use by the abandoned
/// call can throw (EF Core's pooled <c>DbContext</c> refuses to be returned while its connection is still opening), which
/// turned a readiness probe into a 500 instead of a 503.
/// </remarks>
internal sealed class TimeBoundHealthCheck(IServiceScopeFactory scopes, Func<IServiceProvider, IHealthCheck> factory, TimeSpan timeout) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scope = scopes.CreateAsyncScope();
        Task<HealthCheckResult> run;
        try
        {
            run = factory(scope.ServiceProvider).CheckHealthAsync(context, cancellationToken);
        }
        catch
        {
            await scope.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        try
        {
            return await run.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The check did not answer within {timeout}.");
        }
        finally
        {
            if (run.IsCompleted)
            {
                await scope.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                _ = DisposeWhenEndedAsync(run, scope);
            }
        }
    }

    private static async Task DisposeWhenEndedAsync(Task run, AsyncServiceScope scope)
    {
        try
        {
            await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Wraps every registration: those without a timeout of their own get <paramref name="defaultTimeout"/>.</summary>
    public static void Apply(HealthCheckServiceOptions options, TimeSpan defaultTimeout)
    {
        foreach (var registration in options.Registrations)
        {
            if (registration.Timeout <= TimeSpan.Zero || registration.Timeout == Timeout.InfiniteTimeSpan)
            {
                registration.Timeout = defaultTimeout;
            }

            var factory = registration.Factory;
            var timeout = registration.Timeout;
            registration.Factory = services => new TimeBoundHealthCheck(services.GetRequiredService<IServiceScopeFactory>(), factory, timeout);
        }
    }
}
