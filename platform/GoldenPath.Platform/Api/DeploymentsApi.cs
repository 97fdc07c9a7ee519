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
                    (deployment, _) => $"/api/v1/deployments/{deployment.DeploymentId}"))
            .RequireAuthorization(Policies.DeploymentsWrite)
            .RequireRateLimiting(Policies.Writes)
            .Accepts<DeploymentEvent>("application/json")
            .Produces<DeploymentRecord>(StatusCodes.Status201Created)
            .Produces<DeploymentRecord>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem()
            .WithSummary("Records a deployment; repeating the same event is 200, a different event with the same id 409.");

        deployments.MapGet("/", async (string? service, string? environment, int? limit, DeploymentService deploymentService, CancellationToken ct) =>
                TypedResults.Ok(await deploymentService.ListAsync(service, environment, Math.Clamp(limit ?? 100, 1, 1000), ct)))
            .RequireAuthorization(Policies.Read)
            .WithSummary("Lists deployments, newest first.");

        var incidents = endpoints.MapGroup("/api/v1/incidents").WithTags("Incidents");
        incidents.MapPost("/", (HttpContext context, DeploymentService service) =>
                JsonBody.WriteAsync(context, PlatformJsonContext.Default.IncidentRequest,
                    request => service.OpenIncidentAsync(request, context.User, context.RequestAborted),
                    (_, incident) => $"/api/v1/incidents/{incident.IncidentId}"))
            .RequireAuthorization(Policies.IncidentsWrite)
            .RequireRateLimiting(Policies.Writes)
            .Accepts<IncidentRequest>("application/json")
            .Produces<IncidentRecord>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .WithSummary("Opens an incident, optionally linked to the deployment that caused it.");

        incidents.MapPatch("/{id}", (string id, HttpContext context, DeploymentService service) =>
                JsonBody.WriteAsync(context, PlatformJsonContext.Default.IncidentPatch,
                    patch => service.PatchIncidentAsync(id, patch, context.User, context.RequestAborted),
                    (_, incident) => $"/api/v1/incidents/{incident.IncidentId}"))
            .RequireAuthorization(Policies.IncidentsWrite)
            .RequireRateLimiting(Policies.Writes)
            .Accepts<IncidentPatch>("application/json")
            .Produces<IncidentRecord>()
            .WithSummary("Changes an incident: resolves it, links it to a deployment, renames it.");

        incidents.MapGet("/{id}", async Task<Results<Ok<IncidentRecord>, ProblemHttpResult>> (string id, DeploymentService service, CancellationToken ct) =>
                await service.GetIncidentAsync(id, ct) is { } incident ? TypedResults.Ok(incident) : Problems.NotFound($"There is no incident '{id}'."))
            .RequireAuthorization(Policies.Read)
            .WithSummary("Reads one incident.");

        return endpoints;
    }
}
