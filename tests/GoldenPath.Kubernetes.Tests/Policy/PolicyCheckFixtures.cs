using k8s.Models;

namespace GoldenPath.Kubernetes.Tests;

/// <summary>
/// One failing fixture per policy check, keyed by the check's id (the check is <c>Policy/Checks/Gpk…</c> in the package,
/// its row in docs/kubernetes.md): each breaks the emitted objects in exactly the way its check finds.
/// </summary>
internal static class PolicyCheckFixtures
{
    public static IReadOnlyDictionary<string, Action<Fixture>> ById { get; } = new Dictionary<string, Action<Fixture>>(StringComparer.Ordinal)
    {
        ["GPK001"] = f => { f.Pod.SecurityContext.RunAsNonRoot = null; f.Container.SecurityContext.RunAsNonRoot = null; },
        ["GPK002"] = f => f.Container.SecurityContext.AllowPrivilegeEscalation = true,
        ["GPK003"] = f => f.Container.SecurityContext.Capabilities.Drop = [],
        ["GPK004"] = f => { f.Pod.SecurityContext.SeccompProfile = null; f.Container.SecurityContext.SeccompProfile = null; },
        ["GPK005"] = f => f.Container.SecurityContext.Privileged = true,
        ["GPK006"] = f => f.Pod.HostNetwork = true,
        ["GPK007"] = f => f.Pod.Volumes.Add(new V1Volume { Name = "host", HostPath = new V1HostPathVolumeSource { Path = "/var/run" } }),
        ["GPK008"] = f => f.Container.Ports[0].HostPort = 8080,
        ["GPK009"] = f => f.Container.SecurityContext.ReadOnlyRootFilesystem = false,
        ["GPK010"] = f => f.Container.Resources.Limits = null,
        ["GPK011"] = f => f.Container.LivenessProbe = null,
        ["GPK012"] = f => f.Container.ReadinessProbe = f.Container.LivenessProbe,
        ["GPK013"] = f => f.Container.Image = "user-api:latest",
        ["GPK014"] = f => f.Container.Env.Add(new V1EnvVar { Name = "Database__Password", Value = "hunter2" }),
        ["GPK015"] = f => f.Deployment.Spec.Replicas = 1,
        ["GPK016"] = f => f.Documents.RemoveAll(d => d.Object is V1PodDisruptionBudget),
        ["GPK017"] = f => f.Documents.RemoveAll(d => d.Object is V2HorizontalPodAutoscaler),
        ["GPK018"] = f => f.Pod.TopologySpreadConstraints = null,
        ["GPK019"] = f => f.Documents.RemoveAll(d => d.Object is V1NetworkPolicy),
        ["GPK020"] = f => f.Service.Spec.Selector["app.kubernetes.io/name"] = "someone-else",
        ["GPK021"] = f => f.Deployment.Spec.Selector.MatchLabels["app.kubernetes.io/name"] = "someone-else",
        ["GPK022"] = f => f.Service.Spec.Type = "NodePort",
        ["GPK023"] = f => f.Deployment.Metadata.Labels.Remove("backstage.io/kubernetes-id"),
        ["GPK024"] = f => f.Pod.AutomountServiceAccountToken = null,
        ["GPK025"] = f => f.Pod.SecurityContext.Sysctls = [new V1Sysctl { Name = "kernel.core_pattern", Value = "|/tmp/escape" }],
        ["GPK026"] = f => f.Documents.RemoveAll(d => d.Object is PrometheusRule),
    };

    /// <summary>Breaks <paramref name="documents"/> (the emitted objects of one workload) the way check <paramref name="id"/> finds.</summary>
    public static void Break(string id, List<ManifestDocument> documents)
    {
        if (!ById.TryGetValue(id, out var breakIt))
        {
            throw new InvalidOperationException($"No failing fixture for {id}: add one to {nameof(PolicyCheckFixtures)}.");
        }

        breakIt(new Fixture(documents));
    }

    /// <summary>The emitted objects and the parts of them the fixtures change.</summary>
    internal sealed class Fixture(List<ManifestDocument> documents)
    {
        public List<ManifestDocument> Documents { get; } = documents;

        public V1Deployment Deployment { get; } = documents.Select(d => d.Object).OfType<V1Deployment>().Single();

        public V1PodSpec Pod => Deployment.Spec.Template.Spec;

        public V1Container Container => Pod.Containers.Single();

        public V1Service Service { get; } = documents.Select(d => d.Object).OfType<V1Service>().Single();
    }
}
