using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK024: no service account token mounted. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk024NoServiceAccountToken
{
    public static PolicyCheck Check { get; } = new("GPK024", "no service account token mounted", PolicySeverity.Warning, "kube-score; CIS 5.1.6", PolicyWaiver.Annotation, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        Pod(document, pod =>
            pod.AutomountServiceAccountToken == false ? null : "set automountServiceAccountToken: false unless the pod calls the Kubernetes API");
}
