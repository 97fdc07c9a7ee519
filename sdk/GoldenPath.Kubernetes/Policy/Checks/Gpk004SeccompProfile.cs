using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK004: seccomp profile RuntimeDefault. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk004SeccompProfile
{
    public static PolicyCheck Check { get; } = new("GPK004", "seccomp profile RuntimeDefault", PolicySeverity.Error, $"{PodSecurity.Standards} restricted: seccompProfile", PolicyWaiver.ExceptionsFile, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        SecurityContainers(document, (pod, c) =>
            (c.SecurityContext?.SeccompProfile?.Type ?? pod.SecurityContext?.SeccompProfile?.Type) is "RuntimeDefault" or "Localhost" ? null : "set securityContext.seccompProfile.type: RuntimeDefault");
}
