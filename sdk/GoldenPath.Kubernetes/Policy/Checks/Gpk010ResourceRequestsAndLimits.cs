using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK010: CPU and memory requests and limits. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk010ResourceRequestsAndLimits
{
    public static PolicyCheck Check { get; } = new("GPK010", "CPU and memory requests and limits", PolicySeverity.Error, "kube-score container-resources; Polaris cpuRequestsMissing, memoryLimitsMissing", PolicyWaiver.Annotation, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        Containers(document, (_, c) =>
            new[] { "cpu", "memory" }.SelectMany(r => new[] { (c.Resources?.Requests?.ContainsKey(r) == true, $"requests.{r}"), (c.Resources?.Limits?.ContainsKey(r) == true, $"limits.{r}") })
                .Where(x => !x.Item1).Select(x => x.Item2).ToList() is { Count: > 0 } absent ? $"set resources {string.Join(", ", absent)}" : null);
}
