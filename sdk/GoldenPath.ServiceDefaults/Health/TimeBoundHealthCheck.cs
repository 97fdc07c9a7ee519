using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GoldenPath.ServiceDefaults.Health;

/// <summary>
/// Bounds a check's run time. The framework's per-registration timeout only cancels the token it passes in,
/// and a check stuck in I/O that ignores it (a client waiting on a paused server) holds the probe for as long
/// as its own client timeout; this answers with the registration's failure status when the time is up and
/// lets the abandoned call finish in the background.
/// </summary>
internal sealed class TimeBoundHealthCheck(IHealthCheck inner, TimeSpan timeout) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.CheckHealthAsync(context, cancellationToken).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The check did not answer within {timeout}.");
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
            registration.Factory = services => new TimeBoundHealthCheck(factory(services), timeout);
        }
    }
}
