using k8s.Models;
using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK019: a NetworkPolicy selects every pod (of every kind that makes pods). Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk019NetworkPolicySelectsPods
{
    public static PolicyCheck Check { get; } = new("GPK019", "a NetworkPolicy selects every pod", PolicySeverity.Error, "kube-score pod-networkpolicy", PolicyWaiver.Annotation, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        document.Object is not V1PodTemplate && PodTemplateOf(document.Object) is { } template && template.Metadata?.Labels is var podLabels
            && !context.NetworkPolicies.Any(np => Selects(np.Spec?.PodSelector, podLabels ?? new Dictionary<string, string>()))
            ? ["add a NetworkPolicy whose podSelector matches the pods (a default-deny with podSelector: {} counts)"] : [];
}
