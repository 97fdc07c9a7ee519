using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK013: image tag pinned. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk013ImageTagPinned
{
    public static PolicyCheck Check { get; } = new("GPK013", "image tag pinned", PolicySeverity.Error, "kube-score container-image-tag; Polaris tagNotSpecified", PolicyWaiver.Annotation, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        Containers(document, (_, c) =>
            ImageTag(c.Image) is null or "latest" ? $"image '{c.Image}' has no tag or 'latest'; pin a version or a digest" : null);

    /// <summary>The reference's tag, "digest" when it is pinned by one, or null when it has no tag or is not a valid reference.</summary>
    private static string? ImageTag(string? image) =>
        ImageReference.TryParse(image) is { } reference ? reference.Digest is not null ? "digest" : reference.Tag : null;
}
