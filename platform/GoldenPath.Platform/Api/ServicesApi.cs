using GoldenPath.Catalog;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Domain;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform;

/// <summary>The catalog: services, their instances and their Backstage entity files.</summary>
internal static class ServicesApi
{
    public static IEndpointRouteBuilder MapServicesApi(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.MapGroup("/api/v1/services").WithTags("Catalog");

        services.MapGet("/", async (string? owner, string? system, int? limit, string? after, HttpContext context, CatalogService catalog, IOptions<PlatformOptions> options, CancellationToken ct) =>
            {
                var size = Paging.Size(limit, options.Value.MaxPageSize);
                var page = await catalog.ListServicesAsync(owner, system, size, after, ct);
                if (page.Count == size)
                {
                    Paging.LinkNext(context, size, page[^1].Name, ("owner", owner), ("system", system));
                }

                return TypedResults.Ok(page);
            })
            .RequireAuthorization(Policies.Read)
            .WithSummary($"Lists the catalog by name, a page at a time (limit, default {Paging.DefaultPageSize}, at most {Paging.MaxPageSize}; after: the last name of the previous page; a Link header with rel=\"next\" while more follow), with each service's live instances.");

        services.MapGet("/{name}", async Task<Results<Ok<ServiceDescription>, ProblemHttpResult>> (string name, CatalogService catalog, CancellationToken ct) =>
                await catalog.GetServiceAsync(name, ct) is { } service ? TypedResults.Ok(service) : Problems.NotFound($"Service '{name}' is not in the catalog."))
            .RequireAuthorization(Policies.Read)
            .WithSummary("Reads one service with its live instances, versions and last health.");

        services.MapGet("/{name}/catalog-info.yaml", async Task<IResult> (string name, PlatformStore store, CancellationToken ct) =>
                await store.FindServiceAsync(name, ct) is { } service
                    ? TypedResults.Text(CatalogInfoWriter.Write([BackstageFeed.ToComponent(service)]), "application/yaml; charset=utf-8")
                    : Problems.NotFound($"Service '{name}' is not in the catalog."))
            .RequireAuthorization(Policies.Read)
            .WithSummary("The service's catalog-info.yaml, valid for Backstage's catalog.");

        services.MapPut("/{name}", (string name, HttpContext context, CatalogService catalog) =>
                JsonBody.WriteAsync(context, PlatformJsonContext.Default.ServiceUpsertRequest,
                    request => catalog.UpsertServiceAsync(name, request, context.User, context.RequestAborted),
                    (_, _) => $"/api/v1/services/{name}"))
            .RequireAuthorization(Policies.CatalogWrite)
            .RequireRateLimiting(Policies.Writes)
            .Accepts<ServiceUpsertRequest>("application/json")
            .Produces<ServiceDescription>(StatusCodes.Status200OK)
            .Produces<ServiceDescription>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .WithSummary("Creates or updates a service's catalog entry (the owning team's token).");

        services.MapPut("/{name}/instances/{instanceId}", (string name, string instanceId, HttpContext context, CatalogService catalog) =>
                JsonBody.WriteAsync(context, PlatformJsonContext.Default.InstanceRegistration,
                    registration => catalog.PutInstanceAsync(name, instanceId, registration, context.User, context.RequestAborted),
                    (_, _) => $"/api/v1/services/{name}/instances/{instanceId}"))
            .RequireAuthorization(Policies.InstancesWrite)
            .RequireRateLimiting(Policies.Writes)
            .Accepts<InstanceRegistration>("application/json")
            .Produces<ServiceInstance>(StatusCodes.Status200OK)
            .Produces<ServiceInstance>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .WithSummary("Registers an instance or records its heartbeat (a team token with instances:write or catalog:write, never an admin token); creates the catalog entry from the registration's service identity when the service is not in the catalog, else 404.");

        services.MapDelete("/{name}/instances/{instanceId}", (string name, string instanceId, HttpContext context, CatalogService catalog) =>
                catalog.DeleteInstanceAsync(name, instanceId, context.User, context.RequestAborted))
            .RequireAuthorization(Policies.InstancesWrite)
            .RequireRateLimiting(Policies.Writes)
            .WithSummary("Deregisters an instance.");

        return endpoints;
    }
}
