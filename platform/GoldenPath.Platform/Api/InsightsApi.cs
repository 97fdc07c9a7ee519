using System.Text.Json.Nodes;
using GoldenPath.Catalog;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;
using GoldenPath.Platform.Domain;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform;

/// <summary>What the platform tells about services: DORA metrics, scorecards and the Backstage feed.</summary>
internal static class InsightsApi
{
    public static IEndpointRouteBuilder MapInsightsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/dora", async Task<IResult> (string? service, string? team, string? environment, int? days, DoraService dora, CancellationToken ct) =>
            {
                environment ??= DeploymentEnvironments.Production;
                var window = days ?? 30;
                var validation = DoraService.ValidateFilter(service, team, environment, window);
                return validation.IsValid
                    ? TypedResults.Ok(await dora.ReportAsync(service, team, environment, window, ct))
                    : Problems.Invalid(validation.Errors);
            })
            .WithName("getDoraReport")
            .RequireAuthorization(Policies.Read)
            .WithTags("DORA")
            .Produces<DoraReport>()
            .ProducesValidationProblemWhen("A filter is not valid: service and team together, a name that is not a lowercase RFC 1123 label, or days outside 1-365.")
            .WithSummary("The five DORA metrics for a service, a team or everything, per environment, over a window of days.");

        endpoints.MapGet("/api/v1/scorecards/{name}", async Task<Results<Ok<Scorecard>, ProblemHttpResult>> (string name, ScorecardService scorecards, CancellationToken ct) =>
                await scorecards.EvaluateAsync(name, ct) is { } scorecard ? TypedResults.Ok(scorecard) : Problems.NotFound($"Service '{name}' is not in the catalog."))
            .WithName("getScorecard")
            .RequireAuthorization(Policies.Read)
            .WithTags("Scorecards")
            .ProducesProblemWhen(StatusCodes.Status404NotFound, "The service is not in the catalog.")
            .WithSummary("The service's golden-path conformance, check by check.");

        endpoints.MapGet("/api/v1/services/{name}/slos", async Task<Results<Ok<ServiceObjectives>, ProblemHttpResult>> (string name, PlatformDbContext db, SloBudgetService slos, CancellationToken ct) =>
            {
                if (!await db.Services.AsNoTracking().AnyAsync(s => s.Name == name, ct))
                {
                    return Problems.NotFound($"Service '{name}' is not in the catalog.");
                }

                return await slos.ReadAsync(name, ct) switch
                {
                    SloReading.Recorded recorded => TypedResults.Ok(new ServiceObjectives(name, recorded.Objectives)),
                    SloReading.Unavailable unavailable => TypedResults.Problem(unavailable.Reason, statusCode: StatusCodes.Status502BadGateway, title: "Prometheus unavailable"),
                    _ => Problems.Conflict("The platform has no Prometheus to read budgets from: set GoldenPath:Platform:PrometheusUrl to the Prometheus that loads the generated SLO rules."),
                };
            })
            .WithName("getServiceObjectives")
            .RequireAuthorization(Policies.Read)
            .WithTags("Scorecards")
            .ProducesProblemWhen(StatusCodes.Status404NotFound, "The service is not in the catalog.")
            .ProducesProblemWhen(StatusCodes.Status409Conflict, "The platform has no Prometheus configured (GoldenPath:Platform:PrometheusUrl).")
            .ProducesProblemWhen(StatusCodes.Status502BadGateway, "The platform's Prometheus did not answer.")
            .WithSummary("The service's objectives and what is left of their error budgets, read from the platform's Prometheus (GoldenPath:Platform:PrometheusUrl).");

        endpoints.MapGet("/api/v1/entities", async Task<IResult> (int? limit, string? after, HttpContext context, PlatformStore store, IOptions<PlatformOptions> options, CancellationToken ct) =>
            {
                if (after is not null && !PlatformStore.IsEntityCursor(after))
                {
                    return Problems.Invalid(new() { ["after"] = [$"'{after}' is not a cursor of this feed: use the after of its Link header (component:, system: or group: and a name)"] });
                }

                var size = Paging.Size(limit, options.Value.MaxPageSize);
                var (entities, next) = await store.EntitiesPageAsync(size, after, FeedLinks.Context(context, options.Value), ct);
                if (next is not null)
                {
                    Paging.LinkNext(context, size, next);
                }

                return TypedResults.Text(new JsonArray([.. entities.Select(e => (JsonNode)CatalogJsonWriter.ToJson(e))]).ToJsonString(), "application/json; charset=utf-8");
            })
            .WithName("listEntities")
            .RequireAuthorization(Policies.Read)
            .WithTags("Backstage")
            .Produces<JsonArray>()
            .ProducesValidationProblemWhen("after is not a cursor of this feed (use the after of the Link header).")
            .WithSummary($"The catalog as Backstage entities (Component, System, Group, Resource, API) for a Backstage entity provider, a page at a time: limit (default {Paging.DefaultPageSize}, at most {Paging.MaxPageSize}) Components, Systems and Groups, each Component with its Resources and APIs; a Link header with rel=\"next\" while more follow.");

        return endpoints;
    }
}
