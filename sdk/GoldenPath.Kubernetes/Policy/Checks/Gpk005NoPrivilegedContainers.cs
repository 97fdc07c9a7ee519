using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK005: no privileged containers. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk005NoPrivilegedContainers
{
    public static PolicyCheck Check { get; } = new("GPK005", "no privileged containers", PolicySeverity.Error, $"{PodSecurity.Standards} baseline: privileged", PolicyWaiver.ExceptionsFile, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        SecurityContainers(document, (_, c) =>
            c.SecurityContext?.Privileged == true ? "remove securityContext.privileged: true" : null);
}
