using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK006: no host namespaces (hostNetwork, hostPID, hostIPC). Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk006NoHostNamespaces
{
    public static PolicyCheck Check { get; } = new("GPK006", "no host namespaces", PolicySeverity.Error, $"{PodSecurity.Standards} baseline: host namespaces", PolicyWaiver.ExceptionsFile, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        Pod(document, pod =>
            pod.HostNetwork == true || pod.HostPID == true || pod.HostIPC == true ? "remove hostNetwork, hostPID and hostIPC" : null);
}
