using GoldenPath.Catalog;
using GoldenPath.Platform.Data;
using GoldenPath.Platform.Domain;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace GoldenPath.Platform.Portal.Pages;

/// <summary>A team: its services with their levels, its environments with quota use, its DORA figures and trends.</summary>
internal sealed class TeamModel(PortalData data, DoraService dora) : PageModel
{
    public string Team { get; private set; } = "";

    public string? Problem { get; private set; }

    public IReadOnlyList<ServiceEntity> Services { get; private set; } = [];

    public IReadOnlyDictionary<string, string?> Levels { get; private set; } = new Dictionary<string, string?>();

    public IReadOnlyDictionary<string, int> LevelCounts { get; private set; } = new Dictionary<string, int>();

    public IReadOnlyList<EnvironmentEntity> Environments { get; private set; } = [];

    public IReadOnlyDictionary<string, int> InstancesPerEnvironment { get; private set; } = new Dictionary<string, int>();

    public DoraView? Dora { get; private set; }

    public async Task OnGetAsync(string team, CancellationToken ct)
    {
        Team = team;
        var validation = new Validation();
        validation.Name("team", team);
        if (!validation.IsValid)
        {
            Problem = $"'{team}' is not a team name: {string.Join(", ", validation.Errors["team"])}.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        Services = await data.TeamServicesAsync(team, ct);
        Levels = await data.LevelsAsync(Services.Select(s => s.Name), ct);
        LevelCounts = data.LevelNames.Append("No level").ToDictionary(l => l, l => Levels.Values.Count(v => (v ?? "No level") == l), StringComparer.Ordinal);
        Environments = await data.TeamEnvironmentsAsync(team, ct);
        InstancesPerEnvironment = await data.TeamInstancesPerEnvironmentAsync([.. Services.Select(s => s.Name)], ct);
        var window = await dora.WindowAsync(null, team, DeploymentEnvironments.Production, DoraModel.DefaultDays, ct);
        Dora = new DoraView(window.Report(), PortalData.Trend(window));
    }
}
