using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK002: no privilege escalation. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk002NoPrivilegeEscalation
{
    public static PolicyCheck Check { get; } = new("GPK002", "no privilege escalation", PolicySeverity.Error, $"{PodSecurity.Standards} restricted: allowPrivilegeEscalation", PolicyWaiver.ExceptionsFile, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        SecurityContainers(document, (_, c) =>
            c.SecurityContext?.AllowPrivilegeEscalation == false ? null : "set securityContext.allowPrivilegeEscalation: false");
}
