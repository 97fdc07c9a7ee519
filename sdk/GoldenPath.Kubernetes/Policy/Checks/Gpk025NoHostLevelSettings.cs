using k8s.Models;
using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK025: no other host-level security settings: windowsOptions.hostProcess, SELinux user/role or a type other than container_t, container_init_t, container_kvm_t, container_engine_t, procMount other than Default, an unsafe sysctl, AppArmor Unconfined (field or annotation). Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk025NoHostLevelSettings
{
    // Pod Security Standards baseline: the sysctls a pod may set, and the SELinux types a container may run as.
    private static readonly HashSet<string> SafeSysctls = new(StringComparer.Ordinal)
    {
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
        "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
    };

    private static readonly HashSet<string> SeLinuxTypes = new(StringComparer.Ordinal) { "", "container_t", "container_init_t", "container_kvm_t", "container_engine_t" };

    public static PolicyCheck Check { get; } = new("GPK025", "no other host-level security settings", PolicySeverity.Error, $"{PodSecurity.Standards} baseline: HostProcess, SELinux, /proc mount type, sysctls, AppArmor", PolicyWaiver.ExceptionsFile, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        PodTemplateOf(document.Object) is { Spec: { } pod } template && HostLevelSetting(template.Metadata, pod) is { } message ? [message] : [];

    /// <summary>The first Pod Security Standards baseline setting, other than those with checks of their own, that reaches past the container.</summary>
    private static string? HostLevelSetting(V1ObjectMeta? metadata, V1PodSpec pod)
    {
        var contexts = AllContainers(pod).Select(c => (Where: $"container '{c.Name}'", c.SecurityContext?.WindowsOptions, c.SecurityContext?.SeLinuxOptions, c.SecurityContext?.AppArmorProfile, c.SecurityContext?.ProcMount))
            .Prepend((Where: "the pod", pod.SecurityContext?.WindowsOptions, pod.SecurityContext?.SeLinuxOptions, pod.SecurityContext?.AppArmorProfile, ProcMount: null));
        foreach (var (where, windows, seLinux, appArmor, procMount) in contexts)
        {
            if (windows?.HostProcess == true)
            {
                return $"{where}: remove windowsOptions.hostProcess: true (a host process runs on the node itself)";
            }

            if (seLinux is not null && (!SeLinuxTypes.Contains(seLinux.Type ?? "") || !string.IsNullOrEmpty(seLinux.User) || !string.IsNullOrEmpty(seLinux.Role)))
            {
                return $"{where}: seLinuxOptions may set only level, and type container_t, container_init_t, container_kvm_t or container_engine_t; remove user, role and other types";
            }

            if (appArmor?.Type == "Unconfined")
            {
                return $"{where}: remove appArmorProfile.type: Unconfined (use RuntimeDefault or Localhost)";
            }

            if (procMount is not null && procMount != "Default")
            {
                return $"{where}: remove procMount: {procMount} (an unmasked /proc shows the node's)";
            }
        }

        if (pod.SecurityContext?.Sysctls?.FirstOrDefault(s => !SafeSysctls.Contains(s.Name)) is { } sysctl)
        {
            return $"the pod: sysctl {sysctl.Name} is not one of the safe sysctls ({string.Join(", ", SafeSysctls.Order(StringComparer.Ordinal))}); remove it";
        }

        return metadata?.Annotations?.FirstOrDefault(a => a.Key.StartsWith("container.apparmor.security.beta.kubernetes.io/", StringComparison.Ordinal) && a.Value == "unconfined") is { Key: { } key }
            ? $"remove the annotation {key}: unconfined (use runtime/default)"
            : null;
    }
}
