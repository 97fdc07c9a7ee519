using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK009: read-only root filesystem. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk009ReadOnlyRootFilesystem
{
    public static PolicyCheck Check { get; } = new("GPK009", "read-only root filesystem", PolicySeverity.Error, "kube-score container-security-context-readonlyrootfilesystem; Polaris readOnlyRootFilesystem", PolicyWaiver.Annotation, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        Containers(document, (_, c) =>
            c.SecurityContext?.ReadOnlyRootFilesystem == true ? null : "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process writes (/tmp)");
}
