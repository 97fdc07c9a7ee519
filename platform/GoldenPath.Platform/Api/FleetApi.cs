using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Domain;

namespace GoldenPath.Platform;

/// <summary>The fleet's GoldenPath versions: which services lag, per team and overall.</summary>
internal static class FleetApi
{
    public static IEndpointRouteBuilder MapFleetApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/fleet/versions", async Task<IResult> (string? team, FleetVersionsService fleet, CancellationToken ct) =>
            {
                var validation = new Validation();
                if (team is not null)
                {
                    validation.Name("team", team);
                }

                return validation.IsValid ? TypedResults.Ok(await fleet.EvaluateAsync(team, ct)) : Problems.Invalid(validation.Errors);
            })
            .WithName("getFleetVersions")
            .RequireAuthorization(Policies.Read)
            .WithTags("Fleet")
            .Produces<FleetVersions>()
            .WithSummary("The GoldenPath.ServiceDefaults and template versions each service's live instances run, per environment; the newest release and the oldest supported; per team and overall the share of services on the newest; the services behind, oldest first (team= narrows the services listed to one team's).");

        return endpoints;
    }
}
