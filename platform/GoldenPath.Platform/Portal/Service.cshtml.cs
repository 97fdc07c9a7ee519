using GoldenPath.Catalog;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;
using GoldenPath.Platform.Domain;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace GoldenPath.Platform.Portal.Pages;

/// <summary>One service: identity, instances, dependencies both ways, scorecard with levels, deployments, incidents, DORA.</summary>
internal sealed class ServiceModel(PortalData data, ScorecardService scorecards, DeploymentService deployments, DoraService dora) : PageModel
{
    public string Name { get; private set; } = "";

    public string? Problem { get; private set; }

    public ServiceDescription? Service { get; private set; }

    public Scorecard? Scorecard { get; private set; }

    public IReadOnlyList<string> Dependents { get; private set; } = [];

    public IReadOnlyList<DeploymentRecord> Deployments { get; private set; } = [];

    public IReadOnlyList<IncidentEntity> Incidents { get; private set; } = [];

    public DoraView? Dora { get; private set; }

    public async Task OnGetAsync(string name, CancellationToken ct)
    {
        Name = name;
        Service = await data.ServiceAsync(name, ct);
        if (Service is null)
        {
            Problem = $"Service '{name}' is not in the catalog.";
            Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        Scorecard = await scorecards.EvaluateAsync(name, ct);
        Dependents = await data.DependentsAsync(name, ct);
        Deployments = await deployments.ListAsync(name, null, 20, ct);
        Incidents = await data.IncidentsAsync(name, ct);
        var window = await dora.WindowAsync(name, null, DeploymentEnvironments.Production, DoraModel.DefaultDays, ct);
        Dora = new DoraView(window.Report(), PortalData.Trend(window));
    }

    /// <summary>Only http(s) links become links: a <c>javascript:</c> URL in a catalog entry is shown as text, never followed.</summary>
    public static bool IsWebLink(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
