using GoldenPath.Catalog;
using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform.Domain;

/// <summary>Plain reads of catalog entries, for the Backstage feed.</summary>
internal sealed class PlatformStore(PlatformDbContext db, TimeProvider time)
{
    private static readonly string[] s_kinds = ["component", "system", "group"];

    public Task<ServiceEntity?> FindServiceAsync(string name, CancellationToken ct) =>
        db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);

    /// <summary>Whether <paramref name="after"/> is a cursor of <see cref="EntitiesPageAsync"/>: <c>component:</c>, <c>system:</c> or <c>group:</c> and a name.</summary>
    public static bool IsEntityCursor(string after) =>
        after.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 && s_kinds.Contains(after[..colon], StringComparer.Ordinal);

    /// <summary>
    /// A page of the Backstage feed: up to <paramref name="limit"/> Components (each with its Resources and APIs), then
    /// Systems, then Groups, each kind in name order, after the cursor <paramref name="after"/> (the reference of the
    /// last Component, System or Group of the previous page). <c>Next</c> is the cursor of the next page, while one may follow.
    /// </summary>
    public async Task<(IReadOnlyList<CatalogEntity> Entities, string? Next)> EntitiesPageAsync(int limit, string? after, FeedContext context, CancellationToken ct)
    {
        var colon = after?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        var stage = after is null ? 0 : Array.IndexOf(s_kinds, after[..colon]);
        var from = after is null ? "" : after[(colon + 1)..];
        var entities = new List<CatalogEntity>();
        string? last = null;
        var remaining = limit;
        if (stage == 0)
        {
            var services = await db.Services.AsNoTracking().Where(s => string.Compare(s.Name, from) > 0).OrderBy(s => s.Name).Take(remaining).ToListAsync(ct);
            var pageContext = context with
            {
                TeamNamespaces = await SingleNamespacesAsync([.. services.Select(s => s.Owner).Distinct()], ct),
                LiveTemplates = await LiveTemplatesAsync([.. services.Select(s => s.Name)], ct),
            };
            entities.AddRange(services.SelectMany(s => BackstageFeed.ServiceEntities(s, pageContext)));
            remaining -= services.Count;
            last = services.Count > 0 ? $"component:{services[^1].Name}" : last;
            from = "";
        }

        if (remaining > 0 && stage <= 1)
        {
            var systems = await db.Systems.AsNoTracking().Where(x => string.Compare(x.Name, from) > 0 && db.Services.Any(s => s.System == x.Name))
                .OrderBy(x => x.Name).Take(remaining).ToListAsync(ct);
            entities.AddRange(systems.Select(BackstageFeed.ToSystem));
            remaining -= systems.Count;
            last = systems.Count > 0 ? $"system:{systems[^1].Name}" : last;
            from = "";
        }

        if (remaining > 0)
        {
            var teams = await db.Services.Select(s => s.Owner).Union(db.Systems.Select(x => x.Owner))
                .Where(t => string.Compare(t, from) > 0).OrderBy(t => t).Take(remaining).ToListAsync(ct);
            entities.AddRange(teams.Select(BackstageFeed.ToGroup));
            remaining -= teams.Count;
            last = teams.Count > 0 ? $"group:{teams[^1]}" : last;
        }

        return (entities, remaining == 0 ? last : null);
    }

    /// <summary>Per service of <paramref name="services"/>, the template its live instances report and the oldest version of it.</summary>
    public async Task<IReadOnlyDictionary<string, (string Template, string Version)>> LiveTemplatesAsync(IReadOnlyCollection<string> services, CancellationToken ct)
    {
        var reported = await CatalogService.Live(db, db.Instances.AsNoTracking().Where(i => services.Contains(i.ServiceName) && i.Template != null && i.TemplateVersion != null), time.GetUtcNow())
            .Select(i => new { i.ServiceName, i.Template, i.TemplateVersion }).ToListAsync(ct);
        return reported.Where(i => BackstageFeed.IsAnnotationValue(i.Template!) && BackstageFeed.IsAnnotationValue(i.TemplateVersion!)).GroupBy(i => i.ServiceName, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => g.OrderBy(i => i.TemplateVersion!, Comparer<string>.Create(ReleaseVersion.Compare)).Select(i => (i.Template!, i.TemplateVersion!)).First(),
            StringComparer.Ordinal);
    }

    /// <summary>The namespace of each of <paramref name="teams"/> that has been granted exactly one.</summary>
    public async Task<IReadOnlyDictionary<string, string>> SingleNamespacesAsync(IReadOnlyCollection<string> teams, CancellationToken ct)
    {
        var granted = await db.Environments.AsNoTracking().Where(e => teams.Contains(e.Team) && e.Namespace != null)
            .Select(e => new { e.Team, e.Namespace }).ToListAsync(ct);
        return granted.GroupBy(e => e.Team, StringComparer.Ordinal).Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.Single().Namespace!, StringComparer.Ordinal);
    }
}
