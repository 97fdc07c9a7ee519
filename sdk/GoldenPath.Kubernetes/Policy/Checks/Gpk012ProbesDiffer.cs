using k8s.Models;
using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK012: liveness and readiness probes differ. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk012ProbesDiffer
{
    public static PolicyCheck Check { get; } = new("GPK012", "liveness and readiness probes differ", PolicySeverity.Error, "kube-score pod-probes-identical", PolicyWaiver.Annotation, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        Containers(document, (_, c) =>
            c.LivenessProbe is { } l && c.ReadinessProbe is { } r && ProbeKey(l) == ProbeKey(r) ? "use different probes: liveness checks the process only (/health/live), readiness its dependencies (/health/ready)" : null);

    private static string ProbeKey(V1Probe probe) =>
        $"{probe.HttpGet?.Path}|{probe.HttpGet?.Port?.Value}|{probe.TcpSocket?.Port?.Value}|{string.Join(' ', probe.Exec?.Command ?? [])}|{probe.Grpc?.Port}";
}
