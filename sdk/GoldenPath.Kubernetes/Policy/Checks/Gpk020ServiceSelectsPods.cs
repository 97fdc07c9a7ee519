using k8s.Models;

namespace GoldenPath.Kubernetes;

/// <summary>GPK020: Service selects pods. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk020ServiceSelectsPods
{
    public static PolicyCheck Check { get; } = new("GPK020", "Service selects pods", PolicySeverity.Error, "kube-score service-targets-pod", PolicyWaiver.Annotation, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        document.Object is V1Service { Spec.Type: not "ExternalName" } svc && svc.Spec.Selector is { Count: > 0 } selector
            && !context.PodLabels.Any(labels => selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value))
            ? [$"no pod template has the labels {string.Join(", ", selector.Select(s => $"{s.Key}={s.Value}"))}"] : [];
}
