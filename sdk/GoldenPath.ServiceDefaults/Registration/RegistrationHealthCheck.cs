using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GoldenPath.ServiceDefaults.Registration;

/// <summary>
/// Reports the registration's state. Tagged <c>registration</c> only, so it shows in the full report
/// (<c>/health</c>) and never in readiness: a platform outage must not take services out of rotation.
/// </summary>
internal sealed class RegistrationHealthCheck(RegistrationStatus status) : IHealthCheck
{
    public const string Name = "platform-registration";
    public const string Tag = "registration";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = RegistrationStatus.StateName(status.State);
        var data = new Dictionary<string, object> { ["state"] = state };
        return Task.FromResult(status.State switch
        {
            RegistrationState.Registered => HealthCheckResult.Healthy("Registered with the platform.", data),
            RegistrationState.Disabled => HealthCheckResult.Healthy("Registration is off (no GoldenPath:Platform:Url).", data),
            RegistrationState.Registering when status.AwaitingFirstReadyAnswer is { } most =>
                HealthCheckResult.Degraded($"Registering with the platform after the first ready answer (or {most} after start).", data: data),
            RegistrationState.Registering => HealthCheckResult.Degraded("Registering with the platform.", data: data),
            RegistrationState.Deregistered => HealthCheckResult.Healthy("Deregistered on shutdown.", data),
            _ => HealthCheckResult.Degraded($"Not registered with the platform ({state}): {status.LastError}", data: data),
        });
    }
}
