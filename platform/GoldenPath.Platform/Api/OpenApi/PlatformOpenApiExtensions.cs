using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace GoldenPath.Platform;

/// <summary>
/// The platform's OpenAPI document (<c>/openapi/v1.json</c>), as client generators and linters read it: every response an
/// operation can really give is endpoint metadata, declared where it is decided (the endpoint, <see cref="JsonBody"/>, the
/// authorization and rate-limiting middleware), and the document's transformers add what metadata cannot say.
/// </summary>
internal static class PlatformOpenApiExtensions
{
    /// <summary>The name of the bearer security scheme in the document.</summary>
    public const string BearerScheme = "bearer";

    private const string ProblemJson = "application/problem+json";

    public static IServiceCollection AddPlatformOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<PlatformDocumentTransformer>();
            options.AddOperationTransformer<ScopesOperationTransformer>();
            options.AddOperationTransformer<ResponseDescriptionsOperationTransformer>();
        });

    /// <summary>Declares a problem (<c>application/problem+json</c>) the endpoint answers with, and when.</summary>
    public static RouteHandlerBuilder ProducesProblemWhen(this RouteHandlerBuilder builder, int status, string when) =>
        builder.WithMetadata(Problem(status, when, typeof(ProblemDetails)));

    /// <summary>Declares the validation problem (400, <c>application/problem+json</c> with <c>errors</c> per field) the endpoint answers with, and when.</summary>
    public static RouteHandlerBuilder ProducesValidationProblemWhen(this RouteHandlerBuilder builder, string when) =>
        builder.WithMetadata(Problem(StatusCodes.Status400BadRequest, when, typeof(HttpValidationProblemDetails)));

    /// <summary>
    /// Declares the request body as JSON of <typeparamref name="TRequest"/> and the problems <see cref="JsonBody"/> answers
    /// with before the domain sees it: 400 (malformed JSON, wrong types, refused text, invalid values: a validation
    /// problem), 413 (too large), 415 (not UTF-8 JSON).
    /// </summary>
    public static RouteHandlerBuilder AcceptsJson<TRequest>(this RouteHandlerBuilder builder)
        where TRequest : notnull =>
        builder.Accepts<TRequest>("application/json")
            .ProducesValidationProblemWhen(
                "The request is not valid: malformed JSON (with its path, line and byte), a wrong type, text the platform refuses, or invalid values; " +
                "'errors' names each field by its path.")
            .ProducesProblemWhen(StatusCodes.Status413PayloadTooLarge, "The body is larger than the platform accepts (GoldenPath:Platform:MaxRequestBodyBytes).")
            .ProducesProblemWhen(StatusCodes.Status415UnsupportedMediaType, "The body is not UTF-8 JSON: send 'Content-Type: application/json'.");

    /// <summary>
    /// Declares, on every endpoint of <paramref name="builder"/>, the problems the middleware in front of it answers
    /// with: 400 for a control character in the path or query (every endpoint), 401 and 403 where a policy needs a
    /// token, 429 where requests are rate-limited, 503 when the store cannot serve (every endpoint). A status the endpoint declares itself keeps the endpoint's description.
    /// </summary>
    public static TBuilder ProducesMiddlewareProblems<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            AddIfMissing(endpoint, StatusCodes.Status400BadRequest,
                "The path or query string has a control character or text that is not valid Unicode.");
            if (endpoint.Metadata.OfType<IAuthorizeData>().Any() && !endpoint.Metadata.OfType<IAllowAnonymous>().Any())
            {
                AddIfMissing(endpoint, StatusCodes.Status401Unauthorized,
                    "No token where one is needed, or a token that is unknown, expired or revoked; the detail says which.");
                AddIfMissing(endpoint, StatusCodes.Status403Forbidden,
                    "The token holds none of the scopes this operation accepts; the detail lists the token's scopes and the accepted ones.");
            }

            if (endpoint.Metadata.OfType<EnableRateLimitingAttribute>().Any())
            {
                AddIfMissing(endpoint, StatusCodes.Status429TooManyRequests,
                    "Too many requests for this token (or this client without one), or too many failed authentications from this client; Retry-After says when to retry.");
            }

            // Every operation of the API reads the store (a token's lookup, if nothing else): when it cannot, the answer
            // is a 503 to send again (StoreUnavailable), never a 500.
            AddIfMissing(endpoint, StatusCodes.Status503ServiceUnavailable,
                "The platform's store did not answer just now (PostgreSQL restarting or failing over, its connections killed, this replica stopping): " +
                "send the request again after Retry-After, to any replica. A PUT, a heartbeat or a report is applied once; read back before repeating a POST that creates something.");
        });
        return builder;
    }

    private static void AddIfMissing(EndpointBuilder endpoint, int status, string when)
    {
        if (!endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Any(m => m.StatusCode == status))
        {
            endpoint.Metadata.Add(Problem(status, when, typeof(ProblemDetails)));
        }
    }

    private static ProducesResponseTypeMetadata Problem(int status, string when, Type type) =>
        new(status, type, [ProblemJson]) { Description = when };
}
