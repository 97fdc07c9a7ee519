using k8s;
using k8s.Models;

namespace GoldenPath.Kubernetes;

/// <summary>
/// A data service run in the cluster for dev: a one-replica StatefulSet with a PersistentVolumeClaim, a ClusterIP
/// Service, and a NetworkPolicy that lets in exactly the workloads that use it. Hardened like the workloads
/// (non-root, read-only root filesystem, no capabilities); the single replica and the missing disruption budget are
/// waived with their reason, since staging and prod use managed services.
/// </summary>
internal static class InClusterData
{
    /// <summary>The uid the official PostgreSQL and Redis images' users have.</summary>
    public const long DataUser = 999;

    /// <summary>Emits the data service's objects.</summary>
    /// <param name="data">The data service.</param>
    /// <param name="model">The model, for the workloads that use it.</param>
    /// <returns>The objects.</returns>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Emit(DataService data, DeploymentModel model)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(model);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["app.kubernetes.io/name"] = data.Name,
            ["app.kubernetes.io/instance"] = data.Name,
            ["app.kubernetes.io/component"] = "database",
            ["app.kubernetes.io/part-of"] = "in-cluster-data",
            ["app.kubernetes.io/managed-by"] = "goldenpath",
            ["backstage.io/kubernetes-id"] = data.Name,
        };
        var selector = ManifestEmitter.Selector(data.Name);
        var isPostgres = data.Kind == DataServiceKind.Postgres;
        var dataPath = isPostgres ? "/var/lib/postgresql/data" : "/data";
        var env = isPostgres
            ? new List<V1EnvVar>
            {
                new() { Name = "POSTGRES_PASSWORD", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = $"{data.Name}-auth", Key = "password" } } },
                new() { Name = "PGDATA", Value = $"{dataPath}/pgdata" },
            }
            : [];
        var readiness = new V1Probe
        {
            Exec = new V1ExecAction { Command = isPostgres ? ["pg_isready", "-U", "postgres"] : ["redis-cli", "ping"] },
            PeriodSeconds = 10, TimeoutSeconds = 5, FailureThreshold = 6,
        };
        var liveness = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = data.Port }, PeriodSeconds = 20, TimeoutSeconds = 5, FailureThreshold = 6 };
        var mounts = new List<V1VolumeMount> { new() { Name = "data", MountPath = dataPath }, new() { Name = "tmp", MountPath = "/tmp" } };
        var volumes = new List<V1Volume> { new() { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() } };
        if (isPostgres)
        {
            mounts.Add(new V1VolumeMount { Name = "run", MountPath = "/var/run/postgresql" });
            volumes.Add(new V1Volume { Name = "run", EmptyDir = new V1EmptyDirVolumeSource() });
        }

        var meta = new V1ObjectMeta
        {
            Name = data.Name,
            Labels = labels,
            Annotations = new Dictionary<string, string>
            {
                [PolicyEngine.WaiverAnnotation] = "GPK015=a dev-only data service with one replica, staging and prod use a managed service; "
                    + "GPK016=one replica cannot keep a disruption budget, dev accepts the downtime",
            },
        };
        var statefulSet = new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = meta,
            Spec = new V1StatefulSetSpec
            {
                ServiceName = data.Name,
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = selector },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        AutomountServiceAccountToken = false,
                        SecurityContext = new V1PodSecurityContext
                        {
                            RunAsNonRoot = true, RunAsUser = DataUser, RunAsGroup = DataUser, FsGroup = DataUser,
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },
                        TopologySpreadConstraints = [new V1TopologySpreadConstraint { MaxSkew = 1, TopologyKey = "kubernetes.io/hostname", WhenUnsatisfiable = "ScheduleAnyway", LabelSelector = new V1LabelSelector { MatchLabels = selector } }],
                        Containers =
                        [
                            new V1Container
                            {
                                Name = data.Name,
                                Image = data.Image,
                                Args = isPostgres ? null : ["redis-server", "--dir", "/data", "--appendonly", "yes"],
                                Ports = [new V1ContainerPort { Name = isPostgres ? "postgres" : "redis", ContainerPort = data.Port, Protocol = "TCP" }],
                                Env = env,
                                Resources = ManifestEmitter.Resources(WorkloadSize.Medium),
                                ReadinessProbe = readiness,
                                LivenessProbe = liveness,
                                SecurityContext = new V1SecurityContext
                                {
                                    AllowPrivilegeEscalation = false, ReadOnlyRootFilesystem = true, RunAsNonRoot = true,
                                    Capabilities = new V1Capabilities { Drop = ["ALL"] },
                                    SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                                },
                                VolumeMounts = mounts,
                            },
                        ],
                        Volumes = volumes,
                    },
                },
                VolumeClaimTemplates =
                [
                    new V1PersistentVolumeClaim
                    {
                        Metadata = new V1ObjectMeta { Name = "data" },
                        Spec = new V1PersistentVolumeClaimSpec
                        {
                            AccessModes = ["ReadWriteOnce"],
                            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
                        },
                    },
                ],
            },
        };
        var service = new V1Service
        {
            ApiVersion = "v1", Kind = "Service", Metadata = new V1ObjectMeta { Name = data.Name, Labels = labels },
            Spec = new V1ServiceSpec { Type = "ClusterIP", Selector = selector, Ports = [new V1ServicePort { Name = "tcp", Port = data.Port, TargetPort = data.Port, Protocol = "TCP" }] },
        };
        var users = model.Workloads.Where(w => w.Dependencies.Any(d => d.Name == data.Name)).Select(w => w.Name).Order(StringComparer.Ordinal).ToList();
        var policy = new V1NetworkPolicy
        {
            ApiVersion = "networking.k8s.io/v1", Kind = "NetworkPolicy", Metadata = new V1ObjectMeta { Name = data.Name, Labels = labels },
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector { MatchLabels = selector },
                PolicyTypes = ["Ingress", "Egress"],
                Ingress = users.Count == 0 ? [] :
                [
                    new V1NetworkPolicyIngressRule
                    {
                        FromProperty = [.. users.Select(u => new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector { MatchLabels = ManifestEmitter.Selector(u) } })],
                        Ports = [new V1NetworkPolicyPort { Port = data.Port, Protocol = "TCP" }],
                    },
                ],
                Egress = [],
            },
        };
        return [statefulSet, service, policy];
    }
}
