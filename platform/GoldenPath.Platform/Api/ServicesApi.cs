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

                return CatalogJson.Ok(page);
            })
            .WithName("listServices")
            .RequireAuthorization(Policies.Read)
            .WithSummary($"Lists the catalog by name, a page at a time (limit, default {Paging.DefaultPageSize}, at most {Paging.MaxPageSize}; after: the last name of the previous page; a Link header with rel=\"next\" while more follow), with each service's live instances.");

        services.MapGet("/{name}", async Task<Results<CatalogJson<ServiceDescription>, ProblemHttpResult>> (string name, CatalogService catalog, CancellationToken ct) =>
                await catalog.GetServiceAsync(name, ct) is { } service ? CatalogJson.Ok(service) : Problems.NotFound($"Service '{name}' is not in the catalog."))
            .WithName("getService")
            .RequireAuthorization(Policies.Read)
            .ProducesProblemWhen(StatusCodes.Status404NotFound, "The service is not in the catalog.")
            .WithSummary("Reads one service with its live instances, versions and last health.");

        services.MapGet("/{name}/catalog-info.yaml", async Task<IResult> (string name, HttpContext context, PlatformStore store, IOptions<PlatformOptions> options, CancellationToken ct) =>
            {
                if (await store.FindServiceAsync(name, ct) is not { } service)
                {
                    return Problems.NotFound($"Service '{name}' is not in the catalog.");
                }

                var feed = FeedLinks.Context(context, options.Value) with
                {
                    TeamNamespaces = await store.SingleNamespacesAsync([service.Owner], ct),
                    LiveTemplates = await store.LiveTemplatesAsync([service.Name], ct),
                };
                return TypedResults.Text(CatalogInfoWriter.Write([BackstageFeed.ToComponent(service, feed)]), "application/yaml; charset=utf-8");
            })
            .WithName("getServiceCatalogInfo")
            .RequireAuthorization(Policies.Read)
            .Produces<string>(StatusCodes.Status200OK, "application/yaml")
            .ProducesProblemWhen(StatusCodes.Status404NotFound, "The service is not in the catalog.")
            .WithSummary("The service's catalog-info.yaml, valid for Backstage's catalog.");

        services.MapPut("/{name}", (string name, HttpContext context, CatalogService catalog) =>
                JsonBody.WriteAsync(context, PlatformJsonContext.Default.ServiceUpsertRequest,
                    request => catalog.UpsertServiceAsync(name, request, context.User, context.RequestAborted),
                    (_, _) => $"/api/v1/services/{name}"))
            .WithName("upsertService")
            .RequireAuthorization(Policies.CatalogWrite)
            .RequireRateLimiting(Policies.Writes)
            .AcceptsJson<ServiceUpsertRequest>()
            .Produces<ServiceDescription>(StatusCodes.Status200OK)
            .Produces<ServiceDescription>(StatusCodes.Status201Created)
            .ProducesProblemWhen(StatusCodes.Status403Forbidden, "The token lacks the scope, or its team does not own the service (or the owner the request names); only an admin token transfers a service.")
            .WithSummary("Creates or updates a service's catalog entry (the owning team's token).");

        services.MapPut("/{name}/instances/{instanceId}", (string name, string instanceId, HttpContext context, CatalogService catalog) =>
                JsonBody.WriteAsync(context, PlatformJsonContext.Default.InstanceRegistration,
                    registration => catalog.PutInstanceAsync(name, instanceId, registration, context.User, context.RequestAborted),
                    (_, _) => $"/api/v1/services/{name}/instances/{instanceId}"))
            .WithName("registerInstance")
            .RequireAuthorization(Policies.InstancesWrite)
            .RequireRateLimiting(Policies.Writes)
            .AcceptsJson<InstanceRegistration>()
            .Produces<ServiceInstance>(StatusCodes.Status200OK)
            .Produces<ServiceInstance>(StatusCodes.Status201Created)
            .ProducesProblemWhen(StatusCodes.Status403Forbidden, "The token lacks the scope, has the admin scope, or its team does not own the service.")
            .ProducesProblemWhen(StatusCodes.Status404NotFound, "The service is not in the catalog and the registration does not carry its identity ('service').")
            .ProducesProblemWhen(StatusCodes.Status409Conflict, "The service has as many live instances as GoldenPath:Platform:MaxLiveInstancesPerService allows.")
            .WithSummary("Registers an instance or records its heartbeat (a team token with instances:write or catalog:write, never an admin token); creates the catalog entry from the registration's service identity when the service is not in the catalog, else 404.");

        services.MapDelete("/{name}", async (string name, HttpContext context, CatalogService catalog) =>
                await catalog.DeleteServiceAsync(name, context.User, context.RequestAborted) is { } failure ? Problems.For(failure) : TypedResults.NoContent())
            .WithName("deleteService")
            .RequireAuthorization(Policies.CatalogWrite)
            .RequireRateLimiting(Policies.Writes)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblemWhen(StatusCodes.Status403Forbidden, "The token lacks the scope, or its team does not own the service.")
            .ProducesProblemWhen(StatusCodes.Status404NotFound, "The service is not in the catalog.")
            .ProducesProblemWhen(StatusCodes.Status409Conflict, "The service changed owner while it was being removed.")
            .WithSummary("Takes a service off the platform (its owning team's token with catalog:write, or an admin token): its entry, instances, deployments and incidents are removed, so it leaves the Backstage feed and its name is free with no history attached.");

        services.MapDelete("/{name}/instances/{instanceId}", async (string name, string instanceId, HttpContext context, CatalogService catalog) =>
                await catalog.DeleteInstanceAsync(name, instanceId, context.User, context.RequestAborted) is { } failure ? Problems.For(failure) : TypedResults.NoContent())
            .WithName("deregisterInstance")
            .RequireAuthorization(Policies.InstancesWrite)
            .RequireRateLimiting(Policies.Writes)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblemWhen(StatusCodes.Status403Forbidden, "The token lacks the scope, has the admin scope, or its team does not own the service.")
            .ProducesProblemWhen(StatusCodes.Status404NotFound, "The service is not in the catalog, or has no such instance.")
            .WithSummary("Deregisters an instance.");

        return endpoints;
    }
}
