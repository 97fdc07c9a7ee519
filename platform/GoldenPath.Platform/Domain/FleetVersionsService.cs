using GoldenPath.Catalog;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Domain;

/// <summary>
/// The fleet's GoldenPath versions: what each service's live instances run (the SDK version every registration
/// carries, and the template and template version its build embedded from <c>.goldenpath.json</c>), measured against
/// the newest release the platform knows — <see cref="PlatformOptions.NewestVersion"/>, else the platform's own
/// GoldenPath.ServiceDefaults. What tenants report never moves "newest": a service that claims a version from the
/// future changes only its own standing.
/// </summary>
internal sealed class FleetVersionsService(PlatformDbContext db, TimeProvider time, IOptions<PlatformOptions> options, GoldenPath.ServiceDefaults.ServiceInfo platform)
{
    public const int MaxTemplateLength = 100;
    public const int MaxVersionLength = 64;

    /// <summary>The newest GoldenPath release: the setting, else the platform's own SDK version.</summary>
    public string Newest => string.IsNullOrWhiteSpace(options.Value.NewestVersion) ? platform.SdkVersion : options.Value.NewestVersion.Trim();

    /// <summary>The oldest supported release: <see cref="PlatformOptions.SupportedSdkMinorVersions"/> minor versions before the newest.</summary>
    public string OldestSupported => ReleaseVersion.OldestSupported(Newest, options.Value.SupportedSdkMinorVersions);

    /// <summary>Whether an instance runs the newest SDK, and (when it says) was built at the newest template version.</summary>
    public bool OnNewest(InstanceEntity instance) =>
        ReleaseVersion.Compare(instance.SdkVersion, Newest) >= 0 && (instance.TemplateVersion is null || ReleaseVersion.Compare(instance.TemplateVersion, Newest) >= 0);

    /// <summary>Whether an instance's SDK and template versions are still supported.</summary>
    public bool Supported(InstanceEntity instance) =>
        ReleaseVersion.Compare(instance.SdkVersion, OldestSupported) >= 0 && (instance.TemplateVersion is null || ReleaseVersion.Compare(instance.TemplateVersion, OldestSupported) >= 0);

    public async Task<FleetVersions> EvaluateAsync(string? team, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var instances = await CatalogService.Live(db, db.Instances.AsNoTracking(), now).ToListAsync(ct);
        var names = instances.Select(i => i.ServiceName).Distinct().ToList();
        var owners = await db.Services.AsNoTracking().Where(s => names.Contains(s.Name)).ToDictionaryAsync(s => s.Name, s => s.Owner, ct);
        var services = instances
            .Where(i => owners.ContainsKey(i.ServiceName))
            .GroupBy(i => i.ServiceName)
            .Select(g => (Name: g.Key, Owner: owners[g.Key], Instances: g.ToList(), OnNewest: g.All(OnNewest)))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();

        var teams = services.GroupBy(s => s.Owner).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new FleetTeamShare(g.Key, g.Count(), g.Count(s => s.OnNewest), Share(g.Count(s => s.OnNewest), g.Count())))
            .ToList();
        var visible = team is null ? services : services.Where(s => s.Owner == team).ToList();
        var behind = visible.Where(s => !s.OnNewest)
            .Select(s => new FleetServiceBehind(
                s.Name,
                s.Owner,
                Oldest(s.Instances.Select(i => i.SdkVersion))!,
                Oldest(s.Instances.Select(i => i.TemplateVersion).OfType<string>()),
                s.Instances.All(Supported)))
            .OrderBy(b => b, Comparer<FleetServiceBehind>.Create((x, y) =>
            {
                var bySdk = ReleaseVersion.Compare(x.OldestSdkVersion, y.OldestSdkVersion);
                return bySdk != 0 ? bySdk : ReleaseVersion.Compare(x.OldestTemplateVersion ?? Newest, y.OldestTemplateVersion ?? Newest) is var byTemplate and not 0
                    ? byTemplate
                    : string.CompareOrdinal(x.Name, y.Name);
            }))
            .ToList();

        return new FleetVersions(
            Newest,
            Newest,
            OldestSupported,
            new FleetShare(services.Count, services.Count(s => s.OnNewest), Share(services.Count(s => s.OnNewest), services.Count)),
            teams,
            [.. visible.Select(s => new FleetService(s.Name, s.Owner, s.OnNewest, [.. s.Instances
                .GroupBy(i => i.Environment)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new FleetEnvironmentVersions(
                    g.Key,
                    g.Count(),
                    Ordered(g.Select(i => i.SdkVersion)),
                    g.Select(i => i.Template).FirstOrDefault(t => t is not null),
                    Ordered(g.Select(i => i.TemplateVersion).OfType<string>())))]))],
            behind,
            now);
    }

    private static double Share(int part, int whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);

    private static string? Oldest(IEnumerable<string> versions) => Ordered(versions).FirstOrDefault();

    private static List<string> Ordered(IEnumerable<string> versions) =>
        [.. versions.Distinct(StringComparer.Ordinal).Order(Comparer<string>.Create(ReleaseVersion.Compare))];
}
