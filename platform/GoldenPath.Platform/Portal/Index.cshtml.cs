using GoldenPath.Platform.Domain;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace GoldenPath.Platform.Portal.Pages;

/// <summary>The catalog: every service with owner, system, lifecycle, live instances, SDK and level; filtered and paged.</summary>
internal sealed class CatalogModel(PortalData data) : PageModel
{
    public static IReadOnlyList<string> Lifecycles => Validation.Lifecycles;

    public CatalogFilter Filter { get; private set; } = new(null, null, null, null, null, 1);

    public CatalogPage? Result { get; private set; }

    public string? Problem { get; private set; }

    public IReadOnlyList<string> Levels => data.LevelNames;

    public async Task OnGetAsync(string? q, string? team, string? system, string? lifecycle, string? level, int? p, CancellationToken ct)
    {
        Filter = new CatalogFilter(Blank(team), Blank(system), Blank(lifecycle), Blank(level), Blank(q), p ?? 1);
        var problems = new List<string>();
        if (Filter.Lifecycle is { } l && !Validation.Lifecycles.Contains(l))
        {
            problems.Add($"lifecycle '{l}' is not one of {string.Join(", ", Validation.Lifecycles)}");
        }

        if (Filter.Level is { } wanted && !Levels.Contains(wanted))
        {
            problems.Add($"level '{wanted}' is not one of {string.Join(", ", Levels)}");
        }

        if (Filter.Search is { Length: > 63 } || Filter.Team is { Length: > 63 } || Filter.System is { Length: > 63 })
        {
            problems.Add("a search, team or system is at most 63 characters (names are lowercase RFC 1123 labels)");
        }

        // The page number is p: Razor Pages keep the route value "page" for the page's own name.
        if (p is < 1 or > 10_000)
        {
            problems.Add($"page {p} is not between 1 and 10000");
        }

        if (problems.Count > 0)
        {
            Problem = $"The filter is not valid: {string.Join("; ", problems)}.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        Result = await data.CatalogAsync(Filter, ct);
    }

    public string PageUrl(int page) => QueryString.Create(new Dictionary<string, string?>
    {
        ["q"] = Filter.Search, ["team"] = Filter.Team, ["system"] = Filter.System, ["lifecycle"] = Filter.Lifecycle, ["level"] = Filter.Level,
        ["p"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Where(p => p.Value is not null)).ToUriComponent() is var query ? $"/portal{query}" : "/portal";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
