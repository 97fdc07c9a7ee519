using k8s.Models;

namespace GoldenPath.Kubernetes;

/// <summary>GPK015: at least two replicas. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk015TwoReplicas
{
    public static PolicyCheck Check { get; } = new("GPK015", "at least two replicas", PolicySeverity.Warning, "Polaris deploymentMissingReplicas", PolicyWaiver.Annotation, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        document.Object is V1Deployment { Spec.Replicas: < 2 } or V1StatefulSet { Spec.Replicas: < 2 } ? ["run at least 2 replicas so that a node loss or a rollout keeps it serving"] : [];
}
