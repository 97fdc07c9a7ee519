using k8s.Models;
using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK026: a Deployment behind a Service has a PrometheusRule that records over its metrics (job="&lt;system&gt;/&lt;name&gt;") and alerts on them — the SLO rules the publish step writes to observability/ (observability.md). Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk026SloRulesAndAlerts
{
    // A Deployment behind a Service serves requests: its objectives are recorded and alerted on (docs/observability.md).
    public static PolicyCheck Check { get; } = new("GPK026", "SLO recording rules and burn-rate alerts for every serving Deployment", PolicySeverity.Warning, "GoldenPath; Google SRE workbook (alerting on SLOs)", PolicyWaiver.Annotation, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        document.Object is V1Deployment dep && PodLabelsOf(document) is { } labels && context.Services.Any(s => s.Spec?.Selector is { Count: > 0 } sel && sel.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value))
            && !context.PrometheusRules.Any(r => CoversService(r, dep))
            ? [$"no PrometheusRule records and alerts on its objectives (a rule over job=\"{Label(dep, "app.kubernetes.io/part-of")}/{Label(dep, "app.kubernetes.io/name")}\" and an alert); " +
               $"the GoldenPath publish step writes observability/{Label(dep, "app.kubernetes.io/name")}-rules.yaml from catalog-info.yaml: deploy it with the workload"] : [];

    /// <summary>Whether a PrometheusRule records over a Deployment's OTLP metrics (<c>job="system/name"</c>) and alerts on them.</summary>
    private static bool CoversService(PrometheusRule rule, V1Deployment deployment)
    {
        var job = $"job=\"{Label(deployment, "app.kubernetes.io/part-of")}/{Label(deployment, "app.kubernetes.io/name")}\"";
        var rules = rule.Spec?.Groups?.SelectMany(g => g.Rules ?? []).ToList() ?? [];
        return rules.Any(r => r.Record is { Length: > 0 } && r.Expr.Contains(job, StringComparison.Ordinal)) && rules.Any(r => r.Alert is { Length: > 0 });
    }
}
