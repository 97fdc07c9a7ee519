using k8s.Models;

namespace GoldenPath.Kubernetes;

/// <summary>GPK017: a HorizontalPodAutoscaler scales it. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk017Autoscaler
{
    public static PolicyCheck Check { get; } = new("GPK017", "a HorizontalPodAutoscaler scales it", PolicySeverity.Warning, "Polaris missingHorizontalPodAutoscaler", PolicyWaiver.Annotation, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        document.Object is V1Deployment dep && !context.Autoscalers.Any(h => h.Spec?.ScaleTargetRef?.Kind == "Deployment" && h.Spec.ScaleTargetRef.Name == dep.Metadata.Name) ? ["add a HorizontalPodAutoscaler targeting the Deployment"] : [];
}
