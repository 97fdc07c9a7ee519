using GoldenPath.ServiceDefaults;
using GoldenPath.ServiceDefaults.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary><c>app.MapGoldenPath()</c>: the health endpoints, <c>/.well-known/service-info</c> and the production-safe exception handler.</summary>
public static class GoldenPathWebApplicationExtensions
{
    /// <summary>
    /// Maps <c>/health/live</c>, <c>/health/ready</c>, <c>/health/startup</c> and <c>/health</c> (in every
    /// environment), <c>/.well-known/service-info</c>, and adds the ProblemDetails exception handler (no stack
    /// traces, the trace id in the body) outside Development. Call it right after <c>builder.Build()</c>.
    /// </summary>
    /// <param name="app">The web application.</param>
    /// <returns>The application, for chaining.</returns>
    public static WebApplication MapGoldenPath(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<ServiceInfo>() is null)
        {
            throw new InvalidOperationException("MapGoldenPath() needs AddGoldenPath(): call builder.AddGoldenPath() before builder.Build().");
        }

        var options = app.Services.GetRequiredService<IOptions<GoldenPathOptions>>().Value;

        if (!options.DisableExceptionHandler && !app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler();
            app.UseStatusCodePages();
        }

        if (!options.Health.Disable)
        {
            HealthEndpoints.Map(app, options.Health);
        }

        if (!options.DisableServiceInfo)
        {
            ServiceInfoEndpoint.Map(app);
        }

        return app;
    }
}
