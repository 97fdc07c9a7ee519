using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK011: liveness and readiness probes. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk011LivenessAndReadinessProbes
{
    public static PolicyCheck Check { get; } = new("GPK011", "liveness and readiness probes", PolicySeverity.Error, "Polaris livenessProbeMissing, readinessProbeMissing; kube-score pod-probes", PolicyWaiver.Annotation, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        Containers(document, (_, c) =>
            c.LivenessProbe is null || c.ReadinessProbe is null ? $"add a {(c.LivenessProbe is null ? "livenessProbe" : "readinessProbe")} (golden-path services: /health/live and /health/ready)" : null);
}
