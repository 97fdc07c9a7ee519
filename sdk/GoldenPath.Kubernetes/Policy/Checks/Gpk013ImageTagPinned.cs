using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK013: image tag pinned. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk013ImageTagPinned
{
    public static PolicyCheck Check { get; } = new("GPK013", "image tag pinned", PolicySeverity.Error, "kube-score container-image-tag; Polaris tagNotSpecified", PolicyWaiver.Annotation, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        Containers(document, (_, c) =>
            ImageTag(c.Image) is null or "latest" ? $"image '{c.Image}' has no tag or 'latest'; pin a version or a digest" : null);

    private static string? ImageTag(string? image)
    {
        if (string.IsNullOrEmpty(image))
        {
            return null;
        }

        if (image.Contains('@', StringComparison.Ordinal))
        {
            return "digest";
        }

        var lastSlash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > lastSlash ? image[(colon + 1)..] : null;
    }
}
