using k8s.Models;
using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK007: only restricted volume types (configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret; any other source set on a volume fails it). Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk007RestrictedVolumeTypes
{
    private static readonly HashSet<string> RestrictedVolumeSources = new(StringComparer.Ordinal)
    {
        nameof(V1Volume.ConfigMap), nameof(V1Volume.Csi), nameof(V1Volume.DownwardAPI), nameof(V1Volume.EmptyDir), nameof(V1Volume.Ephemeral),
        nameof(V1Volume.PersistentVolumeClaim), nameof(V1Volume.Projected), nameof(V1Volume.Secret),
    };

    // Every volume source V1Volume has, read once: a source added to the API later is not on the restricted list, so it fails.
    private static readonly System.Reflection.PropertyInfo[] VolumeSourceProperties =
        [.. typeof(V1Volume).GetProperties().Where(p => p.Name != nameof(V1Volume.Name))];

    public static PolicyCheck Check { get; } = new("GPK007", "only restricted volume types", PolicySeverity.Error, $"{PodSecurity.Standards} baseline: hostPath; restricted: volume types", PolicyWaiver.ExceptionsFile, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        Pod(document, pod =>
            pod.Volumes?.FirstOrDefault(v => VolumeSources(v) is var sources && (sources.Count == 0 || sources.Any(s => !RestrictedVolumeSources.Contains(s)))) is { } v
                ? $"volume '{v.Name}' is of a type restricted pods may not use ({(VolumeSources(v).Where(s => !RestrictedVolumeSources.Contains(s)).ToList() is { Count: > 0 } other ? string.Join(", ", other) : "no source")}); use only emptyDir, configMap, secret, projected, downwardAPI, csi, ephemeral or a persistentVolumeClaim" : null);

    private static List<string> VolumeSources(V1Volume volume) =>
        [.. VolumeSourceProperties.Where(p => p.GetValue(volume) is not null).Select(p => p.Name)];
}
