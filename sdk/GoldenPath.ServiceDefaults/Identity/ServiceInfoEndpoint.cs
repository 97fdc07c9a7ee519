using GoldenPath.ServiceDefaults.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GoldenPath.ServiceDefaults;

/// <summary><c>/.well-known/service-info</c>: the public identity of the running instance. No secrets, no configuration values.</summary>
internal static class ServiceInfoEndpoint
{
    public const string Path = "/.well-known/service-info";

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, context =>
            {
                context.Response.Headers.CacheControl = "no-store";
                return context.Response.WriteAsJsonAsync(
                    context.RequestServices.GetRequiredService<ServiceInfo>(),
                    ServiceDefaultsJsonContext.Default.ServiceInfo,
                    "application/json; charset=utf-8",
                    context.RequestAborted);
            })
            .WithDisplayName("GoldenPath service info")
            .ExcludeFromDescription()
            .ShortCircuit();
}
