using System.Collections.Concurrent;
using GoldenPath.Catalog;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform.Domain;

/// <summary>A service's golden-path conformance, check by check, with the reason for each result.</summary>
internal sealed class ScorecardService(PlatformDbContext db, TimeProvider time, FleetVersionsService fleet, SloBudgetService slos, ScorecardLevels levels)
{
    public static readonly TimeSpan DeploymentWindow = TimeSpan.FromDays(30);

    /// <summary>How many catalog entries' verdicts <see cref="CatalogEntryCheck"/> keeps before it starts over (a bound on memory, far above a fleet's size).</summary>
    private const int MaxRememberedEntries = 100_000;

    /// <summary>The <c>valid-catalog-entry</c> verdict of each service's entry, with the entry it was decided on.</summary>
    private static readonly ConcurrentDictionary<string, (string Inputs, ScorecardCheck Check)> s_catalogEntryChecks = new(StringComparer.Ordinal);

    public async Task<Scorecard?> EvaluateAsync(string name, CancellationToken ct) =>
        (await EvaluateManyAsync([name], ct)).GetValueOrDefault(name);

    /// <summary>
    /// The scorecards of many services at once, with the same checks as one service's: a fixed number of store queries
    /// and one Prometheus query for all of them, whatever their number. Names not in the catalog are left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, Scorecard>> EvaluateManyAsync(IReadOnlyCollection<string> names, CancellationToken ct)
    {
        var wanted = names.Distinct(StringComparer.Ordinal).ToList();
        return await EvaluateManyAsync(await db.Services.AsNoTracking().Where(s => wanted.Contains(s.Name)).ToListAsync(ct), ct);
    }

    /// <summary>The scorecards of catalog entries already read (a page that read them does not read them again).</summary>
    public Task<IReadOnlyDictionary<string, Scorecard>> EvaluateManyAsync(IReadOnlyList<ServiceEntity> services, CancellationToken ct) =>
        EvaluateManyAsync(services, readPrometheus: true, ct);

    /// <summary>
    /// The scorecards of catalog entries already read; without <paramref name="readPrometheus"/> Prometheus is not asked
    /// and <c>slos-declared</c> fails as if none were configured (what <see cref="ScorecardResults"/> stores: the checks
    /// decided on the platform's own data).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, Scorecard>> EvaluateManyAsync(IReadOnlyList<ServiceEntity> services, bool readPrometheus, CancellationToken ct)
    {
        var result = new Dictionary<string, Scorecard>(StringComparer.Ordinal);
        if (services.Count == 0)
        {
            return result;
        }

        var found = services.Select(s => s.Name).Distinct(StringComparer.Ordinal).ToList();
        var now = time.GetUtcNow();
        var instances = (await CatalogService.LiveInstancesAsync(db, found, now, ct)).ToLookup(i => i.ServiceName, StringComparer.Ordinal);
        var since = now - DeploymentWindow;
        // Of each service's deployments only the last one's policy verdict is read (not its commits), and only which
        // services deployed successfully in the window.
        var lastDeployments = (await db.Deployments.AsNoTracking().Where(d => found.Contains(d.Service))
            .GroupBy(d => d.Service)
            .Select(g => g.OrderByDescending(d => d.FinishedAt)
                .Select(d => new LastDeployment(d.Service, d.DeploymentId, d.PolicyPassed, d.PolicyErrors, d.PolicyWarnings, d.PolicyVerified)).First())
            .ToListAsync(ct))
            .ToDictionary(d => d.Service, StringComparer.Ordinal);
        var deployedRecently = (await db.Deployments.AsNoTracking()
            .Where(d => found.Contains(d.Service) && d.Outcome == "success" && d.FinishedAt >= since).Select(d => d.Service).Distinct().ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        var readings = readPrometheus ? await slos.ReadManyAsync(found, ct) : found.ToDictionary(n => n, SloReading (_) => new SloReading.NotConfigured(), StringComparer.Ordinal);
        foreach (var service in services)
        {
            result[service.Name] = Evaluate(service, [.. instances[service.Name]], lastDeployments.GetValueOrDefault(service.Name),
                deployedRecently.Contains(service.Name), readings[service.Name], now);
        }

        return result;
    }

    /// <summary>What the <c>manifests-passed-policy</c> check reads of a service's last deployment.</summary>
    private sealed record LastDeployment(string Service, string DeploymentId, bool? PolicyPassed, int? PolicyErrors, int? PolicyWarnings, bool PolicyVerified);

    /// <summary>One service's checks from its loaded inputs: the only place a check is decided.</summary>
    private Scorecard Evaluate(ServiceEntity service, List<InstanceEntity> instances, LastDeployment? lastDeployment, bool deployedRecently, SloReading slo, DateTimeOffset now)
    {
        var name = service.Name;
        var checks = new List<ScorecardCheck>
        {
            Check("owner-set", "The service has an owning team", !string.IsNullOrWhiteSpace(service.Owner) && service.Owner != "unknown",
                $"Owned by team '{service.Owner}'.", "No owning team: set spec.owner in catalog-info.yaml."),
            Check("system-set", "The service belongs to a system", !string.IsNullOrWhiteSpace(service.System) && service.System != service.Owner,
                $"Part of system '{service.System}'.", $"The system is the owner's default ('{service.System}'): set spec.system in catalog-info.yaml to the system the service belongs to."),
            Check("lifecycle-set", "The lifecycle is one of experimental, production, deprecated", Validation.Lifecycles.Contains(service.Lifecycle),
                $"Lifecycle '{service.Lifecycle}'.", $"Lifecycle '{service.Lifecycle}' is not one of experimental, production, deprecated."),
            CatalogEntryCheck(service),
            Check("live-instance", "At least one instance is registered and sending heartbeats", instances.Count > 0,
                $"{instances.Count} live instances.", "No live instance: none has sent a heartbeat within the instance TTL. Is GoldenPath:Platform:Url set where it runs?"),
            Check("ready", "Every live instance reports ready", instances.Count > 0 && instances.All(i => i.Status is "Healthy" or "Degraded"),
                "Every live instance reports Healthy or Degraded.",
                instances.Count == 0 ? "No live instance to report readiness." : $"Not ready: {string.Join(", ", instances.Where(i => i.Status is not ("Healthy" or "Degraded")).Select(i => $"{i.InstanceId} ({i.Status ?? "no status"})"))}."),
            Check("telemetry-configured", "The service exports OpenTelemetry data", instances.Any(i => i.TelemetryConfigured),
                "A live instance exports OTLP.", instances.Count == 0 ? "No live instance to tell." : "No live instance has an OTLP endpoint configured (OTEL_EXPORTER_OTLP_ENDPOINT)."),
            Check("deployed-recently", $"Deployed successfully in the last {DeploymentWindow.TotalDays} days", deployedRecently,
                "A successful deployment in the window.", $"No successful deployment reported in the last {DeploymentWindow.TotalDays} days (goldenpath deployment report in the pipeline)."),
            PolicyCheck(lastDeployment),
            SdkCheck(instances),
            SlosCheck(slo),
        };

        var passed = checks.Count(c => c.Passed);
        return levels.Apply(new Scorecard(name, (int)Math.Round(100.0 * passed / checks.Count), passed, checks.Count, checks, now));
    }

    /// <summary>Passes on the platform's own verdict only: a pipeline's claim that its manifests passed is unverified.</summary>
    private static ScorecardCheck PolicyCheck(LastDeployment? last) =>
        Check("manifests-passed-policy", "The last deployment's manifests passed the policy, as the platform checked them", last is { PolicyVerified: true, PolicyPassed: true },
            $"The platform checked the manifests of deployment '{last?.DeploymentId}': no policy error ({last?.PolicyWarnings} warnings).",
            last switch
            {
                null => "No deployment reported.",
                { PolicyVerified: true } => $"The platform checked the manifests of deployment '{last.DeploymentId}': {last.PolicyErrors} policy errors.",
                { PolicyPassed: null } => $"Deployment '{last.DeploymentId}' reported no manifests: send them with the report (goldenpath deployment report --manifests) so the platform checks them.",
                _ => $"Deployment '{last.DeploymentId}' claims its manifests {(last.PolicyPassed == true ? "passed" : "failed")} the policy, unverified: the platform checks only manifests sent with the report (goldenpath deployment report --manifests).",
            });

    /// <summary>
    /// Whether Backstage reads the service's Component as the platform publishes it: written as YAML and read back with
    /// the catalog's rules. The verdict depends on the entry alone, so it is kept per entry's content
    /// (<see cref="BackstageFeed.ComponentInputs"/>) and decided again only when the entry changes: a page that shows the
    /// levels of a thousand services does not write and read a thousand YAML documents.
    /// </summary>
    private static ScorecardCheck CatalogEntryCheck(ServiceEntity service)
    {
        var inputs = BackstageFeed.ComponentInputs(service);
        if (s_catalogEntryChecks.TryGetValue(service.Name, out var known) && string.Equals(known.Inputs, inputs, StringComparison.Ordinal))
        {
            return known.Check;
        }

        var problems = CatalogInfoReader.TryRead(CatalogInfoWriter.Write([BackstageFeed.ToComponent(service)])).Problems;
        var nameProblem = ServiceName.Validate(service.Name);
        var check = Check("valid-catalog-entry", "The catalog entry is a valid Backstage Component with a valid name", problems.Count == 0 && nameProblem is null,
            "Backstage accepts the entry.", nameProblem ?? string.Join(" ", problems.Select(p => $"{p.Field}: {p.Message}.")));
        if (s_catalogEntryChecks.Count >= MaxRememberedEntries)
        {
            s_catalogEntryChecks.Clear();
        }

        s_catalogEntryChecks[service.Name] = (inputs, check);
        return check;
    }

    /// <summary>Passes when the service's objectives are recorded by the Prometheus that runs its generated rules: declared, deployed and evaluated.</summary>
    private static ScorecardCheck SlosCheck(SloReading reading) =>
        Check("slos-declared", "The service's objectives are recorded by Prometheus (SLO rules generated from catalog-info.yaml and deployed)",
            reading is SloReading.Recorded { Objectives.Count: > 0 },
            reading is SloReading.Recorded recorded ? $"Recorded: {string.Join(", ", recorded.Objectives.Select(o => $"{o.Slo} {o.Objective.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)}"))}." : "",
            reading switch
            {
                SloReading.NotConfigured => "The platform has no Prometheus to read objectives from: set GoldenPath:Platform:PrometheusUrl to the Prometheus that loads the generated rules (observability/).",
                SloReading.Unavailable unavailable => unavailable.Reason,
                _ => "Prometheus records no objective for this service: deploy observability/<name>-rules.yaml from the publish step (objectives: goldenpath.dev/slo-* annotations in catalog-info.yaml, docs/observability.md).",
            });

    /// <summary>On a supported SDK and template: every live instance within the supported minor versions of the newest release (a platform setting).</summary>
    private ScorecardCheck SdkCheck(List<InstanceEntity> instances)
    {
        var oldest = fleet.OldestSupported;
        var outdated = instances.Where(i => !fleet.Supported(i)).ToList();
        return Check("sdk-supported", $"GoldenPath.ServiceDefaults and the template are {oldest} or newer", instances.Count > 0 && outdated.Count == 0,
            $"Every live instance runs GoldenPath.ServiceDefaults {oldest} or newer{(instances.Any(i => i.TemplateVersion is not null) ? $", built from template {oldest} or newer" : "")} (the newest is {fleet.Newest}).",
            instances.Count == 0
                ? "No live instance to tell."
                : $"Outdated: {string.Join(", ", outdated.Select(i => $"{i.InstanceId} (SDK {i.SdkVersion}{(i.TemplateVersion is null ? "" : $", template {i.TemplateVersion}")})"))}; run 'dotnet goldenpath upgrade' in the service's repository (it raises the GoldenPath packages and merges the template's changes) to reach {oldest} or newer.");
    }

    private static ScorecardCheck Check(string id, string title, bool passed, string whyPassed, string whyFailed) =>
        new(id, title, passed, passed ? whyPassed : whyFailed);
}
