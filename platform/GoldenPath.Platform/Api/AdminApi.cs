using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Domain;

namespace GoldenPath.Platform;

/// <summary>Tokens (admin) and self-service environments.</summary>
internal static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var tokens = endpoints.MapGroup("/api/v1/tokens").WithTags("Tokens").RequireAuthorization(Policies.Admin);
        tokens.MapPost("/", (HttpContext context, TokenService service) =>
                JsonBody.WriteAsync(context, PlatformJsonContext.Default.TokenRequest,
                    request => service.CreateAsync(request, context.RequestAborted),
                    (_, token) => $"/api/v1/tokens/{token.Id}"))
            .RequireRateLimiting(Policies.Writes)
            .Accepts<TokenRequest>("application/json")
            .Produces<TokenCreated>(StatusCodes.Status201Created)
            .WithSummary("Creates a token for a team; the secret is in this answer only.");

        tokens.MapDelete("/{id}", async Task<Results<NoContent, ProblemHttpResult>> (string id, TokenService service, CancellationToken ct) =>
                await service.RevokeAsync(id, ct) ? TypedResults.NoContent() : Problems.NotFound($"There is no active token '{id}'."))
            .RequireRateLimiting(Policies.Writes)
            .WithSummary("Revokes a token.");

        var environments = endpoints.MapGroup("/api/v1/environments").WithTags("Environments");
        environments.MapPost("/", (HttpContext context, EnvironmentService service) =>
                JsonBody.WriteAsync(context, PlatformJsonContext.Default.EnvironmentRequest,
                    request => service.RequestAsync(request, context.User, context.RequestAborted),
                    (request, _) => $"/api/v1/environments/{request.Team}/{request.Environment}"))
            .RequireAuthorization(Policies.CatalogWrite)
            .RequireRateLimiting(Policies.Writes)
            .Accepts<EnvironmentRequest>("application/json")
            .Produces<EnvironmentRecord>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .WithSummary("Records a team's environment and returns the manifests that create its namespace.");

        environments.MapGet("/{team}/{environment}", async (string team, string environment, EnvironmentService service, CancellationToken ct) =>
            {
                var found = await service.GetAsync(team, environment, ct);
                return found.Problem ?? TypedResults.Ok(found.Value);
            })
            .Produces<EnvironmentRecord>()
            .RequireAuthorization(Policies.Read)
            .WithSummary("Reads an environment with its manifests.");

        return endpoints;
    }
}
