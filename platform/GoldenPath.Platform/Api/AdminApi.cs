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
            .WithName("createToken")
            .RequireRateLimiting(Policies.Writes)
            .AcceptsJson<TokenRequest>()
            .Produces<TokenCreated>(StatusCodes.Status201Created)
            .WithSummary("Creates a token for a team; the secret is in this answer only.");

        tokens.MapDelete("/{id}", async Task<Results<NoContent, ProblemHttpResult>> (string id, TokenService service, CancellationToken ct) =>
                await service.RevokeAsync(id, ct) ? TypedResults.NoContent() : Problems.NotFound($"There is no active token '{id}'."))
            .WithName("revokeToken")
            .RequireRateLimiting(Policies.Writes)
            .ProducesProblemWhen(StatusCodes.Status404NotFound, "There is no active token with this id.")
            .WithSummary("Revokes a token.");

        var environments = endpoints.MapGroup("/api/v1/environments").WithTags("Environments");
        environments.MapPost("/", (HttpContext context, EnvironmentService service) =>
                JsonBody.WriteAsync(context, PlatformJsonContext.Default.EnvironmentRequest,
                    request => service.RequestAsync(request, context.User, context.RequestAborted),
                    (request, _) => $"/api/v1/environments/{request.Team}/{request.Environment}"))
            .WithName("requestEnvironment")
            .RequireAuthorization(Policies.CatalogWrite)
            .RequireRateLimiting(Policies.Writes)
            .AcceptsJson<EnvironmentRequest>()
            .Produces<EnvironmentRecord>(StatusCodes.Status201Created)
            .Produces<EnvironmentRecord>(StatusCodes.Status200OK)
            .ProducesProblemWhen(StatusCodes.Status403Forbidden, "The token lacks the scope, or its team is not the environment's team.")
            .ProducesProblemWhen(StatusCodes.Status409Conflict, "The namespace belongs to another team, or other requests changed the environment while this one wrote it.")
            .WithSummary("Records a team's environment and returns the manifests that create its namespace.");

        environments.MapGet("/{team}/{environment}", async (string team, string environment, EnvironmentService service, CancellationToken ct) =>
            {
                var found = await service.GetAsync(team, environment, ct);
                return found.Failure is { } failure ? Problems.For(failure) : TypedResults.Ok(found.Value);
            })
            .WithName("getEnvironment")
            .Produces<EnvironmentRecord>()
            .RequireAuthorization(Policies.Read)
            .ProducesProblemWhen(StatusCodes.Status404NotFound, "The team has no such environment.")
            .ProducesProblemWhen(StatusCodes.Status409Conflict, "The environment's namespace was never reserved for its team (recorded before namespaces were); request it again.")
            .WithSummary("Reads an environment with its manifests.");

        return endpoints;
    }
}
