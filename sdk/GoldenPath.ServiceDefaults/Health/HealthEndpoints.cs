using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace GoldenPath.ServiceDefaults.Health;

/// <summary>
/// The health endpoints, in every environment: liveness (checks tagged <c>live</c>; the process only),
/// readiness (<c>ready</c>, plus the shutdown check), start-up (<c>startup</c>, plus the started check) and
/// a report of every check. Each answers 200 when Healthy or Degraded and 503 when Unhealthy, with a JSON body.
/// </summary>
/// <remarks>
/// Written as endpoints of their own rather than with <c>MapHealthChecks</c>, which runs every check on every probe and
/// writes plain text unless given a writer: here concurrent and frequent probes share one run per
/// <see cref="GoldenPathHealthOptions.CacheDuration"/> (<see cref="HealthReportCache"/>), except once the host is
/// stopping, when every probe runs the checks so that readiness turns 503 at once; HEAD answers the status without a
/// body; exception text is written only in Development.
/// </remarks>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints, GoldenPathHealthOptions options)
    {
        endpoints.ServiceProvider.GetService<Registration.FirstReadyAnswer>()?.Expect();
        Map(endpoints, options.LivePath, "live", r => r.Tags.Contains(GoldenPathHealthTags.Live));
        Map(endpoints, options.ReadyPath, "ready", r => r.Tags.Contains(GoldenPathHealthTags.Ready) || r.Name == ShutdownHealthCheck.Name);
        Map(endpoints, options.StartupPath, "startup", r => r.Tags.Contains(GoldenPathHealthTags.Startup) || r.Name == StartedHealthCheck.Name);
        Map(endpoints, options.AllPath, "all", _ => true);
    }

    private static void Map(IEndpointRouteBuilder endpoints, string path, string key, Func<HealthCheckRegistration, bool> predicate)
    {
        endpoints.MapMethods(path, [HttpMethods.Get, HttpMethods.Head], context => WriteAsync(context, key, predicate))
            .WithDisplayName($"GoldenPath health: {key}")
            .ExcludeFromDescription()
            .ShortCircuit();
    }

    private static async Task WriteAsync(HttpContext context, string key, Func<HealthCheckRegistration, bool> predicate)
    {
        var services = context.RequestServices;
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        var cache = services.GetRequiredService<HealthReportCache>();
        var stopping = lifetime.ApplicationStopping.IsCancellationRequested;
        if (stopping && key == "ready")
        {
            // Not ready whatever the other checks say: answer at once, so a balancer takes the instance out within its
            // probes' interval even while a dependency's check would take seconds.
            predicate = r => r.Name == ShutdownHealthCheck.Name;
        }

        var report = await cache.GetAsync(key, predicate, bypassCache: stopping, context.RequestAborted).ConfigureAwait(false);

        var includeExceptions = services.GetRequiredService<IHostEnvironment>().IsDevelopment();
        var response = new HealthResponse(
            report.Status.ToString(),
            Math.Round(report.TotalDuration.TotalMilliseconds, 2),
            report.Entries.ToDictionary(
                e => e.Key,
                e => new HealthCheckEntry(
                    e.Value.Status.ToString(),
                    Math.Round(e.Value.Duration.TotalMilliseconds, 2),
                    e.Value.Description ?? (e.Value.Exception is null ? null : "The check failed."),
                    e.Value.Tags.ToArray(),
                    includeExceptions ? e.Value.Exception?.ToString() : null),
                StringComparer.Ordinal));

        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        if ((key is "ready" or "startup") && report.Status != HealthStatus.Unhealthy && services.GetService<Registration.FirstReadyAnswer>() is { Answered.IsCompleted: false } first)
        {
            // The first registration waits for this answer to have been sent (PlatformRegistrationService).
            context.Response.OnCompleted(static state =>
            {
                ((Registration.FirstReadyAnswer)state).SetAnswered();
                return Task.CompletedTask;
            }, first);
        }

        context.Response.Headers.CacheControl = "no-store, no-cache";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await context.Response.WriteAsJsonAsync(response, ServiceDefaultsJsonContext.Default.HealthResponse, "application/json; charset=utf-8", context.RequestAborted).ConfigureAwait(false);
    }
}
