using k8s.Models;
using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK021: selector matches the pod template. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk021SelectorMatchesTemplate
{
    public static PolicyCheck Check { get; } = new("GPK021", "selector matches the pod template", PolicySeverity.Error, "Kubernetes API; kube-score deployment-selector", PolicyWaiver.Annotation, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        (document.Object switch { V1Deployment x => x.Spec?.Selector, V1StatefulSet x => x.Spec?.Selector, V1ReplicaSet x => x.Spec?.Selector, _ => null }) is { } selector && !Selects(selector, PodLabelsOf(document) ?? new Dictionary<string, string>())
            ? ["spec.selector does not match spec.template.metadata.labels"] : [];
}
