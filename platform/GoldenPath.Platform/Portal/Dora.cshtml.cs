using GoldenPath.Catalog;
using GoldenPath.Platform.Domain;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace GoldenPath.Platform.Portal.Pages;

/// <summary>The five DORA metrics for the organisation, a team or a service, per environment and window, with charts.</summary>
internal sealed class DoraModel(DoraService dora) : PageModel
{
    public const int DefaultDays = 90;

    public string? Service { get; private set; }

    public string? Team { get; private set; }

    public string Environment { get; private set; } = DeploymentEnvironments.Production;

    public int Days { get; private set; } = DefaultDays;

    public string? Problem { get; private set; }

    public DoraView? View { get; private set; }

    public string Scope => Service is not null ? $"service {Service}" : Team is not null ? $"team {Team}" : "the organisation";

    public async Task OnGetAsync(string? service, string? team, string? environment, int? days, CancellationToken ct)
    {
        (Service, Team) = (string.IsNullOrWhiteSpace(service) ? null : service, string.IsNullOrWhiteSpace(team) ? null : team);
        Environment = string.IsNullOrWhiteSpace(environment) ? DeploymentEnvironments.Production : environment;
        Days = days ?? DefaultDays;
        Problem = Validate(Service, Team, Environment, Days);
        if (Problem is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var window = await dora.WindowAsync(Service, Team, Environment, Days, ct);
        View = new DoraView(window.Report(), PortalData.Trend(window));
    }

    /// <summary>The API's rules for the same filters (GET /api/v1/dora), said in one sentence.</summary>
    internal static string? Validate(string? service, string? team, string environment, int days)
    {
        var validation = DoraService.ValidateFilter(service, team, environment, days);
        return validation.IsValid ? null : $"The filter is not valid: {string.Join("; ", validation.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))}.";
    }
}
