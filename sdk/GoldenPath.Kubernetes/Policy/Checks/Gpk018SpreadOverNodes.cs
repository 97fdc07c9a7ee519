using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK018: spread over nodes and zones. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk018SpreadOverNodes
{
    public static PolicyCheck Check { get; } = new("GPK018", "spread over nodes and zones", PolicySeverity.Warning, "kube-score deployment-has-host-podantiaffinity; Polaris topologySpreadConstraint", PolicyWaiver.Annotation, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        Pod(document, pod =>
            pod.TopologySpreadConstraints is { Count: > 0 } || pod.Affinity?.PodAntiAffinity is not null ? null : "add topologySpreadConstraints (or podAntiAffinity) so replicas do not share a node");
}
