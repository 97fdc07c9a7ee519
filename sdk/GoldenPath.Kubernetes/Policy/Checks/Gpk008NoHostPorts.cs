using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK008: no host ports. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk008NoHostPorts
{
    public static PolicyCheck Check { get; } = new("GPK008", "no host ports", PolicySeverity.Error, $"{PodSecurity.Standards} baseline: hostPorts", PolicyWaiver.ExceptionsFile, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        SecurityContainers(document, (_, c) =>
            c.Ports?.Any(p => p.HostPort is > 0) == true ? "remove ports[].hostPort; expose the pod through a Service" : null);
}
