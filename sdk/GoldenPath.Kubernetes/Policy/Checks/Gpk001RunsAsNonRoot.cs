using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK001: containers run as non-root (runAsNonRoot: true, no runAsUser: 0). Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk001RunsAsNonRoot
{
    public static PolicyCheck Check { get; } = new("GPK001", "containers run as non-root", PolicySeverity.Error, $"{PodSecurity.Standards} restricted: runAsNonRoot, runAsUser", PolicyWaiver.ExceptionsFile, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        SecurityContainers(document, (pod, c) =>
            (c.SecurityContext?.RunAsUser ?? pod.SecurityContext?.RunAsUser) == 0 ? "runAsUser 0 is root; remove it or use a non-zero uid (pod or container)"
            : (c.SecurityContext?.RunAsNonRoot ?? pod.SecurityContext?.RunAsNonRoot) == true ? null : "set securityContext.runAsNonRoot: true (pod or container)");
}
