using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Domain;

namespace GoldenPath.Platform;

/// <summary>Deployment events and incidents.</summary>
internal static class DeploymentsApi
{
    public static IEndpointRouteBuilder MapDeploymentsApi(this IEndpointRouteBuilder endpoints)
    {
        var deployments = endpoints.MapGroup("/api/v1/deployments").WithTags("Deployments");
        deployments.MapPost("/", (HttpContext context, DeploymentService service) =>
                JsonBody.WriteAsync(context, PlatformJsonContext.Default.DeploymentEvent,
                    deployment => service.RecordAsync(deployment, context.User, context.RequestAborted),
                    (deployment, _) => $"/api/v1/services/{deployment.Service}/deployments/{Uri.EscapeDataString(deployment.DeploymentId)}"))
            .WithName("recordDeployment")
            .RequireAuthorization(Policies.DeploymentsWrite)
            .RequireRateLimiting(Policies.Writes)
            .AcceptsJson<DeploymentEvent>()
            .Produces<DeploymentRecord>(StatusCodes.Status201Created)
            .Produces<DeploymentRecord>(StatusCodes.Status200OK)
            .ProducesProblemWhen(StatusCodes.Status403Forbidden, "The token lacks the scope, or its team does not own the service.")
            .ProducesProblemWhen(StatusCodes.Status404NotFound, "The service is not in the catalog; register it first.")
            .ProducesProblemWhen(StatusCodes.Status409Conflict, "The service has a deployment with this id already, with other content.")
            .WithSummary("Records a deployment; ids are unique per service: repeating the same deployment (its times aside) is 200, a different one with the same id 409.");

        deployments.MapGet("/", async (string? service, string? environment, int? limit, DeploymentService deploymentService, CancellationToken ct) =>
                TypedResults.Ok(await deploymentService.ListAsync(service, environment, Math.Clamp(limit ?? 100, 1, 1000), ct)))
            .WithName("listDeployments")
            .RequireAuthorization(Policies.Read)
            .WithSummary("Lists deployments, newest first.");

        endpoints.MapGet("/api/v1/services/{name}/deployments/{id}", async Task<Results<Ok<DeploymentRecord>, ProblemHttpResult>> (string name, string id, DeploymentService service, CancellationToken ct) =>
                await service.GetAsync(name, id, ct) is { } deployment ? TypedResults.Ok(deployment) : Problems.NotFound($"Service '{name}' has no deployment '{id}'."))
            .WithName("getDeployment")
            .RequireAuthorization(Policies.Read)
            .ProducesProblemWhen(StatusCodes.Status404NotFound, "The service has no deployment with this id.")
            .WithTags("Deployments")
            .WithSummary("Reads one deployment of a service.");

        var incidents = endpoints.MapGroup("/api/v1/incidents").WithTags("Incidents");
        incidents.MapPost("/", (HttpContext context, DeploymentService service) =>
                JsonBody.WriteAsync(context, PlatformJsonContext.Default.IncidentRequest,
                    request => service.OpenIncidentAsync(request, context.User, context.RequestAborted),
                    (_, incident) => IncidentLocation(incident)))
            .WithName("openIncident")
            .RequireAuthorization(Policies.IncidentsWrite)
            .RequireRateLimiting(Policies.Writes)
            .AcceptsJson<IncidentRequest>()
            .Produces<IncidentRecord>(StatusCodes.Status201Created)
            .Produces<IncidentRecord>(StatusCodes.Status200OK)
            .ProducesProblemWhen(StatusCodes.Status403Forbidden, "The token lacks the scope, or its team does not own the service.")
            .ProducesProblemWhen(StatusCodes.Status404NotFound, "The service is not in the catalog.")
            .ProducesProblemWhen(StatusCodes.Status409Conflict, "The service has an incident with this id already, with other content.")
            .WithSummary("Opens an incident, optionally linked to the deployment that caused it.");

        incidents.MapPatch("/{id}", (string id, string? service, HttpContext context, DeploymentService deploymentService) =>
                JsonBody.WriteAsync(context, PlatformJsonContext.Default.IncidentPatch,
                    patch => deploymentService.PatchIncidentAsync(id, service, patch, context.User, context.RequestAborted),
                    (_, incident) => IncidentLocation(incident)))
            .WithName("updateIncident")
            .RequireAuthorization(Policies.IncidentsWrite)
            .RequireRateLimiting(Policies.Writes)
            .AcceptsJson<IncidentPatch>()
            .Produces<IncidentRecord>()
            .ProducesProblemWhen(StatusCodes.Status403Forbidden, "The token lacks the scope, or its team does not own the incident's service.")
            .ProducesProblemWhen(StatusCodes.Status404NotFound, "There is no such incident (of the service ?service= names).")
            .ProducesProblemWhen(StatusCodes.Status409Conflict, "Without ?service=, several services have an incident with this id.")
            .WithSummary("Changes an incident: resolves it, links it to a deployment, renames it. Ids are unique per service: ?service= names it; without it, the id is looked up among the token's team's services.");

        incidents.MapGet("/{id}", async (string id, string? service, DeploymentService deploymentService, CancellationToken ct) =>
            {
                var found = await deploymentService.GetIncidentAsync(id, service, ct);
                return found.Failure is { } failure ? Problems.For(failure) : TypedResults.Ok(found.Value);
            })
            .WithName("getIncident")
            .RequireAuthorization(Policies.Read)
            .Produces<IncidentRecord>()
            .ProducesProblemWhen(StatusCodes.Status404NotFound, "There is no such incident (of the service ?service= names).")
            .ProducesProblemWhen(StatusCodes.Status409Conflict, "Without ?service=, several services have an incident with this id.")
            .WithSummary("Reads one incident (?service= names its service; without it, an id two services use is a conflict).");

        return endpoints;
    }

    private static string IncidentLocation(IncidentRecord incident) =>
        $"/api/v1/incidents/{Uri.EscapeDataString(incident.IncidentId)}?service={incident.Service}";
}
