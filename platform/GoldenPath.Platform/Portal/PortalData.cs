using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;
using GoldenPath.Platform.Domain;
using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform.Portal;

/// <summary>One row of the catalog page.</summary>
internal sealed record CatalogRow(ServiceDescription Service, string? Level);

/// <summary>A page of the catalog with the filters that made it.</summary>
internal sealed record CatalogPage(IReadOnlyList<CatalogRow> Rows, int Page, bool HasNext, int Matching);

/// <summary>The catalog page's filters; every one optional.</summary>
internal sealed record CatalogFilter(string? Team, string? System, string? Lifecycle, string? Level, string? Search, int Page)
{
    public const int PageSize = 25;
}

/// <summary>A DORA report's figures week by week, and the distribution of its lead times, for the charts.</summary>
internal sealed record DoraTrend(
    IReadOnlyList<string> Weeks,
    IReadOnlyList<double?> SuccessfulDeployments,
    IReadOnlyList<double?> FailedDeployments,
    IReadOnlyList<double?> ChangeFailurePercent,
    IReadOnlyList<double?> RecoveryHours,
    IReadOnlyList<string> LeadTimeBuckets,
    IReadOnlyList<double?> LeadTimeCommits);

/// <summary>
/// What the portal's pages read, through the same domain services the API answers with (so a page shows what the API
/// would), plus the few lists the API has no endpoint for: filtered catalog pages, reverse dependencies, weekly trends.
/// </summary>
internal sealed class PortalData(PlatformDbContext db, CatalogService catalog, ScorecardResults results, ScorecardLevels levels, TimeProvider time)
{
    public IReadOnlyList<string> LevelNames => [.. levels.Levels.Select(l => l.Name)];

    public async Task<CatalogPage> CatalogAsync(CatalogFilter filter, CancellationToken ct)
    {
        var query = db.Services.AsNoTracking();
        if (!string.IsNullOrEmpty(filter.Team))
        {
            query = query.Where(s => s.Owner == filter.Team);
        }

        if (!string.IsNullOrEmpty(filter.System))
        {
            query = query.Where(s => s.System == filter.System);
        }

        if (!string.IsNullOrEmpty(filter.Lifecycle))
        {
            query = query.Where(s => s.Lifecycle == filter.Lifecycle);
        }

        if (!string.IsNullOrEmpty(filter.Search))
        {
            // Names are lowercase RFC 1123 labels: a lowercased search matches them the same on SQLite and PostgreSQL.
            var search = filter.Search.Trim().ToLowerInvariant();
            query = query.Where(s => s.Name.Contains(search));
        }

        query = query.OrderBy(s => s.Name);
        var page = Math.Max(1, filter.Page);
        if (string.IsNullOrEmpty(filter.Level))
        {
            var matching = await query.CountAsync(ct);
            var services = await query.Skip((page - 1) * CatalogFilter.PageSize).Take(CatalogFilter.PageSize + 1).ToListAsync(ct);
            var rows = await RowsAsync(services.Take(CatalogFilter.PageSize).ToList(), ct);
            return new CatalogPage(rows, page, services.Count > CatalogFilter.PageSize, matching);
        }

        // The level is read from the stored scorecard results of every matching service (one query, and one Prometheus
        // reading for all of them), then paged: only the page's catalog entries and instances are read.
        var names = await query.Select(s => s.Name).ToListAsync(ct);
        var levelled = await results.LevelsAsync(names, ct);
        var matches = names.Where(n => string.Equals(levelled.GetValueOrDefault(n), filter.Level, StringComparison.Ordinal)).ToList();
        var shownNames = matches.Skip((page - 1) * CatalogFilter.PageSize).Take(CatalogFilter.PageSize).ToList();
        var shown = (await db.Services.AsNoTracking().Where(s => shownNames.Contains(s.Name)).ToListAsync(ct)).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        var shownInstances = (await CatalogService.LiveInstancesAsync(db, [.. shown.Select(s => s.Name)], time.GetUtcNow(), ct)).ToLookup(i => i.ServiceName);
        var wanted = shown.Select(s => new CatalogRow(CatalogService.Describe(s, shownInstances[s.Name]), levelled.GetValueOrDefault(s.Name))).ToList();
        return new CatalogPage(wanted, page, matches.Count > page * CatalogFilter.PageSize, matches.Count);
    }

    private async Task<IReadOnlyList<CatalogRow>> RowsAsync(IReadOnlyList<ServiceEntity> services, CancellationToken ct)
    {
        var instances = (await CatalogService.LiveInstancesAsync(db, [.. services.Select(s => s.Name)], time.GetUtcNow(), ct)).ToLookup(i => i.ServiceName);
        var levelled = await results.LevelsAsync([.. services.Select(s => s.Name)], ct);
        return [.. services.Select(s => new CatalogRow(CatalogService.Describe(s, instances[s.Name]), levelled.GetValueOrDefault(s.Name)))];
    }

    public Task<ServiceDescription?> ServiceAsync(string name, CancellationToken ct) => catalog.GetServiceAsync(name, ct);

    /// <summary>The services whose catalog entry says they depend on <paramref name="name"/>.</summary>
    /// <remarks>
    /// One query that looks into the stored dependencies (a JSON array of <c>{"name", "kind"}</c>) with the store's own JSON
    /// functions, so that only the dependents are read, not the catalog.
    /// </remarks>
    public async Task<IReadOnlyList<string>> DependentsAsync(string name, CancellationToken ct)
    {
        var dependents = db.Database.IsNpgsql()
            ? db.Database.SqlQuery<string>($"""SELECT "Name" AS "Value" FROM services WHERE "DependsOn"::jsonb @> jsonb_build_array(jsonb_build_object('name', {name}::text))""")
            : db.Database.SqlQuery<string>($"""SELECT "Name" AS "Value" FROM services WHERE EXISTS (SELECT 1 FROM json_each(services."DependsOn") WHERE json_extract(value, '$.name') = {name})""");
        return (await dependents.ToListAsync(ct)).Order(StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<IncidentEntity>> IncidentsAsync(string service, CancellationToken ct) =>
        await db.Incidents.AsNoTracking().Where(i => i.Service == service).OrderByDescending(i => i.StartedAt).Take(20).ToListAsync(ct);

    public async Task<IReadOnlyList<ServiceEntity>> TeamServicesAsync(string team, CancellationToken ct) =>
        await db.Services.AsNoTracking().Where(s => s.Owner == team).OrderBy(s => s.Name).ToListAsync(ct);

    public async Task<IReadOnlyList<EnvironmentEntity>> TeamEnvironmentsAsync(string team, CancellationToken ct) =>
        await db.Environments.AsNoTracking().Where(e => e.Team == team).OrderBy(e => e.Environment).ToListAsync(ct);

    /// <summary>Live instances of a team's services per environment: what runs against each environment's pod quota.</summary>
    public async Task<IReadOnlyDictionary<string, int>> TeamInstancesPerEnvironmentAsync(IReadOnlyList<string> services, CancellationToken ct) =>
        (await CatalogService.LiveInstancesAsync(db, services, time.GetUtcNow(), ct)).GroupBy(i => i.Environment).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>The levels of the services, from their stored scorecard results (<see cref="ScorecardResults"/>).</summary>
    public async Task<IReadOnlyDictionary<string, string?>> LevelsAsync(IEnumerable<string> services, CancellationToken ct)
    {
        var names = services.ToList();
        var levelled = await results.LevelsAsync(names, ct);
        return names.Distinct(StringComparer.Ordinal).ToDictionary(n => n, n => levelled.GetValueOrDefault(n), StringComparer.Ordinal);
    }

    /// <summary>Every service's owner and when it entered the catalog, and the teams that hold a token or an environment.</summary>
    public async Task<(IReadOnlyList<(string Name, string Owner, DateTimeOffset CreatedAt)> Services, IReadOnlyList<string> KnownTeams)> FleetAsync(CancellationToken ct)
    {
        var services = (await db.Services.AsNoTracking().Select(s => new { s.Name, s.Owner, s.CreatedAt }).ToListAsync(ct))
            .Select(s => (s.Name, s.Owner, s.CreatedAt)).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        var teams = (await db.Tokens.AsNoTracking().Where(t => t.RevokedAt == null).Select(t => t.Team).Distinct().ToListAsync(ct))
            .Concat(await db.Environments.AsNoTracking().Select(e => e.Team).Distinct().ToListAsync(ct))
            .Where(t => t != "platform").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return (services, teams);
    }

    /// <summary>
    /// The report's window week by week (the same arithmetic as the report, <see cref="DoraCalculator"/>, over each week's
    /// facts: a failure counts in the week it finished, recovered if it recovered by that week's end) and its lead times
    /// bucketed by band: from the facts the report was computed from, not read again.
    /// </summary>
    public static DoraTrend Trend(DoraWindow window)
    {
        var (service, team, environment, from, to, facts) = (window.Service, window.Team, window.Environment, window.From, window.To, window.Facts);
        var weeks = new List<string>();
        var successful = new List<double?>();
        var failed = new List<double?>();
        var failureRate = new List<double?>();
        var recovery = new List<double?>();
        // Each week is computed from its own facts, so that a year of a fleet's deployments is not filtered 53 times.
        var byWeek = facts.ToLookup(f => (f.FinishedAt - from).Ticks / TimeSpan.FromDays(7).Ticks);
        var index = 0L;
        for (var start = from; start < to; start += TimeSpan.FromDays(7), index++)
        {
            var end = start + TimeSpan.FromDays(7) - TimeSpan.FromTicks(1);
            var week = DoraCalculator.Compute(service, team, environment, start, end < to ? end : to, [.. byWeek[index]]);
            weeks.Add(start.ToString("MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            successful.Add(week.DeploymentFrequency.SampleSize);
            failed.Add(week.ChangeFailureRate.Value is { } rate ? Math.Round(rate * week.Deployments) : 0);
            failureRate.Add(week.ChangeFailureRate.Value * 100);
            recovery.Add(week.FailedDeploymentRecoveryTime.Value);
        }

        string[] buckets = ["< 1 hour", "1-24 hours", "1-7 days", "7-30 days", "> 30 days"];
        var counts = new double?[buckets.Length];
        Array.Fill(counts, 0);
        foreach (var hours in facts.Where(f => f.Succeeded).SelectMany(f => f.LeadTimeHours))
        {
            counts[hours < 1 ? 0 : hours < 24 ? 1 : hours < 24 * 7 ? 2 : hours < 24 * 30 ? 3 : 4]++;
        }

        return new DoraTrend(weeks, successful, failed, failureRate, recovery, buckets, counts);
    }
}
