using System.Globalization;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Auth;
using GoldenPath.Platform.Domain;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace GoldenPath.Platform.Portal.Pages;

/// <summary>How much of the fleet is on the road: onboarding per team, the newest SDK and template, levels, teams without a service.</summary>
internal sealed class AdoptionModel(PortalData data, FleetVersionsService fleet) : PageModel
{
    private const int MonthsShown = 12;

    public FleetVersions? Fleet { get; private set; }

    public IReadOnlyList<string> Months { get; private set; } = [];

    public IReadOnlyList<(string Team, IReadOnlyList<int> Counts)> OnboardedPerTeam { get; private set; } = [];

    public IReadOnlyDictionary<string, int> LevelCounts { get; private set; } = new Dictionary<string, int>();

    public IReadOnlyList<string> TeamsWithoutServices { get; private set; } = [];

    /// <summary>
    /// Whether the reader may see the teams with no service: those are known from tokens and environments, which no
    /// read API shows another team, so only an administrator sees them.
    /// </summary>
    public bool ShowsTeamsWithoutServices { get; private set; }

    public string OnboardedChart { get; private set; } = "";

    public string LevelsChart { get; private set; } = "";

    public async Task OnGetAsync(CancellationToken ct)
    {
        Fleet = await fleet.EvaluateAsync(null, ct);
        var (services, knownTeams) = await data.FleetAsync(ct);
        var now = HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var firstMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1 - MonthsShown);
        var monthEnds = Enumerable.Range(1, MonthsShown).Select(i => firstMonth.AddMonths(i)).ToList();
        Months = [.. monthEnds.Select(end => end.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture))];
        OnboardedPerTeam = [.. services.GroupBy(s => s.Owner).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<int>)[.. monthEnds.Select(end => g.Count(s => s.CreatedAt < end))]))];
        OnboardedChart = SvgChart.Bars("Services in the catalog at the end of each month", "services", Months,
            [new ChartSeries("all teams", [.. monthEnds.Select(end => (double?)services.Count(s => s.CreatedAt < end))])]);

        var levels = await data.LevelsAsync(services.Select(s => s.Name), ct);
        LevelCounts = data.LevelNames.Append("No level").ToDictionary(l => l, l => levels.Values.Count(v => (v ?? "No level") == l), StringComparer.Ordinal);
        LevelsChart = SvgChart.Bars("Services per scorecard level", "services", [.. LevelCounts.Keys],
            [new ChartSeries("services", [.. LevelCounts.Values.Select(v => (double?)v)])]);
        var owners = services.Select(s => s.Owner).ToHashSet(StringComparer.Ordinal);
        ShowsTeamsWithoutServices = User.IsAdmin();
        TeamsWithoutServices = ShowsTeamsWithoutServices ? [.. knownTeams.Where(t => !owners.Contains(t))] : [];
    }
}
