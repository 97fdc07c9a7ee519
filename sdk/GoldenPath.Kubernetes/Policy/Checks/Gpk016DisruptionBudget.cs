using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK016: a PodDisruptionBudget covers it (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController). Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk016DisruptionBudget
{
    public static PolicyCheck Check { get; } = new("GPK016", "a PodDisruptionBudget covers it", PolicySeverity.Error, "kube-score deployment-has-poddisruptionbudget; Polaris missingPodDisruptionBudget", PolicyWaiver.Annotation, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        PodLabelsOf(document) is { } labels && !context.DisruptionBudgets.Any(pdb => Selects(pdb.Spec?.Selector, labels)) ? ["add a PodDisruptionBudget whose selector matches the pods"] : [];
}
