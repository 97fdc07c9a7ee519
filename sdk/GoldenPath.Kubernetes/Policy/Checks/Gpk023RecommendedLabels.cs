using k8s.Models;

namespace GoldenPath.Kubernetes;

/// <summary>GPK023: recommended and catalog labels on workloads and Services. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk023RecommendedLabels
{
    // Workloads and Services: what the Backstage Kubernetes plugin and dashboards find a service by.
    public static PolicyCheck Check { get; } = new("GPK023", "recommended and catalog labels on workloads and Services", PolicySeverity.Warning, "Kubernetes recommended labels; Backstage kubernetes-id", PolicyWaiver.Annotation, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        document.Object is V1Deployment or V1StatefulSet or V1DaemonSet or V1Service
            && new[] { "app.kubernetes.io/name", "app.kubernetes.io/part-of", "backstage.io/kubernetes-id" }.Where(k => document.Object.Metadata.Labels?.ContainsKey(k) != true).ToList() is { Count: > 0 } absent
            ? [$"add the labels {string.Join(", ", absent)}"] : [];
}
