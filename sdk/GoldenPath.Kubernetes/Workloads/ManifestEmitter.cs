using GoldenPath.Catalog;
using k8s;
using k8s.Models;

namespace GoldenPath.Kubernetes;

/// <summary>
/// Turns a <see cref="Workload"/> into the Kubernetes objects the golden path deploys (KubernetesClient models):
/// ServiceAccount, ConfigMap, Deployment, Service, PodDisruptionBudget, HorizontalPodAutoscaler (when the workload may
/// scale beyond its replicas) and NetworkPolicy.
/// Every object carries the <c>app.kubernetes.io/*</c> labels and <c>backstage.io/kubernetes-id</c>.
/// </summary>
internal static class ManifestEmitter
{
    /// <summary>The user and group id the containers run as (the .NET images' non-root <c>app</c> user).</summary>
    public const long RunAsUser = 1654;

    /// <summary>The labels of a workload's objects.</summary>
    /// <param name="workload">The workload.</param>
    /// <returns>The labels.</returns>
    public static Dictionary<string, string> Labels(Workload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return new(StringComparer.Ordinal)
        {
            ["app.kubernetes.io/name"] = workload.Name,
            ["app.kubernetes.io/instance"] = workload.Name,
            ["app.kubernetes.io/version"] = workload.Version,
            ["app.kubernetes.io/component"] = workload.ServesHttp ? "api" : "worker",
            ["app.kubernetes.io/part-of"] = workload.System,
            ["app.kubernetes.io/managed-by"] = "goldenpath",
            ["backstage.io/kubernetes-id"] = workload.Name,
            ["goldenpath.dev/owner"] = workload.Owner,
        };
    }

    /// <summary>The selector of a workload's pods: the two labels that never change between versions.</summary>
    /// <param name="name">The workload's name.</param>
    /// <returns>The selector labels.</returns>
    public static Dictionary<string, string> Selector(string name) => new(StringComparer.Ordinal)
    {
        ["app.kubernetes.io/name"] = name,
        ["app.kubernetes.io/instance"] = name,
    };

    /// <summary>Emits a workload's objects.</summary>
    /// <param name="workload">The workload.</param>
    /// <param name="model">The whole model: callers, data services, platform settings.</param>
    /// <returns>The objects, in apply order.</returns>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Emit(Workload workload, DeploymentModel model)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(model);
        var objects = new List<IKubernetesObject<V1ObjectMeta>>
        {
            new V1ServiceAccount
            {
                ApiVersion = "v1", Kind = "ServiceAccount", Metadata = Meta(workload, workload.Name),
                AutomountServiceAccountToken = false,
            },
            ConfigMap(workload, model),
            Deployment(workload),
        };
        if (workload.ServesHttp)
        {
            objects.Add(new V1Service
            {
                ApiVersion = "v1", Kind = "Service", Metadata = Meta(workload, workload.Name),
                Spec = new V1ServiceSpec
                {
                    Type = "ClusterIP",
                    Selector = Selector(workload.Name),
                    Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = "http", Protocol = "TCP" }],
                },
            });
        }

        objects.Add(new V1PodDisruptionBudget
        {
            ApiVersion = "policy/v1", Kind = "PodDisruptionBudget", Metadata = Meta(workload, workload.Name),
            Spec = new V1PodDisruptionBudgetSpec { MaxUnavailable = 1, Selector = new V1LabelSelector { MatchLabels = Selector(workload.Name) } },
        });
        if (workload.MaxReplicas > workload.Replicas)
        {
            objects.Add(Autoscaler(workload));
        }

        objects.Add(NetworkPolicy(workload, model));
        return objects;
    }

    private static V2HorizontalPodAutoscaler Autoscaler(Workload workload) =>
        new()
        {
            ApiVersion = "autoscaling/v2", Kind = "HorizontalPodAutoscaler", Metadata = Meta(workload, workload.Name),
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = workload.Name },
                MinReplicas = workload.Replicas,
                MaxReplicas = workload.MaxReplicas,
                Metrics =
                [
                    new V2MetricSpec
                    {
                        Type = "Resource",
                        Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 70 } },
                    },
                ],
            },
        };

    /// <summary>The namespace-wide default: deny all ingress and egress to pods no other policy allows.</summary>
    /// <returns>The policy.</returns>
    public static V1NetworkPolicy DefaultDeny() => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "NetworkPolicy",
        Metadata = new V1ObjectMeta { Name = "default-deny", Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "goldenpath" } },
        Spec = new V1NetworkPolicySpec { PodSelector = new V1LabelSelector(), PolicyTypes = ["Ingress", "Egress"] },
    };

    /// <summary>Requests and limits of a size class.</summary>
    /// <param name="size">The size.</param>
    /// <returns>The container's resources.</returns>
    public static V1ResourceRequirements Resources(WorkloadSize size)
    {
        var (cpu, memory, cpuLimit, memoryLimit) = size switch
        {
            WorkloadSize.Medium => ("250m", "256Mi", "1", "512Mi"),
            WorkloadSize.Large => ("500m", "512Mi", "2", "1Gi"),
            _ => ("100m", "128Mi", "500m", "256Mi"),
        };
        return new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new(memory) },
            Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuLimit), ["memory"] = new(memoryLimit) },
        };
    }

    private static V1ConfigMap ConfigMap(Workload workload, DeploymentModel model)
    {
        var data = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_HTTP_PORTS"] = workload.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = model.OtlpEndpoint,
            ["OTEL_SERVICE_NAME"] = workload.Name,
        };
        if (model.PlatformUrl is { } platform)
        {
            data[GoldenPathConfigurationKeys.PlatformUrl] = platform;
        }

        foreach (var (key, value) in workload.Settings)
        {
            data[key] = value;
        }

        return new V1ConfigMap
        {
            ApiVersion = "v1", Kind = "ConfigMap", Metadata = Meta(workload, $"{workload.Name}-config"),
            Data = new Dictionary<string, string>(data, StringComparer.Ordinal),
        };
    }

    private static V1Deployment Deployment(Workload workload)
    {
        var env = new List<V1EnvVar>
        {
            new() { Name = "POD_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
            new() { Name = "OTEL_RESOURCE_ATTRIBUTES", Value = $"service.namespace={workload.System},service.version={workload.Version},service.instance.id=$(POD_NAME)" },
        };
        env.AddRange(workload.Secrets.OrderBy(s => s.Variable, StringComparer.Ordinal).Select(s => new V1EnvVar
        {
            Name = s.Variable,
            ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = s.SecretName, Key = s.Key } },
        }));

        var podLabels = Labels(workload);
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Meta(workload, workload.Name),
            Spec = new V1DeploymentSpec
            {
                Replicas = workload.Replicas,
                RevisionHistoryLimit = 5,
                Selector = new V1LabelSelector { MatchLabels = Selector(workload.Name) },
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "25%", MaxUnavailable = 0 },
                },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = podLabels },
                    Spec = new V1PodSpec
                    {
                        ServiceAccountName = workload.Name,
                        AutomountServiceAccountToken = false,
                        TerminationGracePeriodSeconds = 30,
                        SecurityContext = new V1PodSecurityContext
                        {
                            RunAsNonRoot = true,
                            RunAsUser = RunAsUser,
                            RunAsGroup = RunAsUser,
                            FsGroup = RunAsUser,
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },
                        TopologySpreadConstraints =
                        [
                            Spread(workload, "topology.kubernetes.io/zone"),
                            Spread(workload, "kubernetes.io/hostname"),
                        ],
                        Containers =
                        [
                            new V1Container
                            {
                                Name = workload.Name,
                                Image = workload.ImageReference,
                                ImagePullPolicy = "IfNotPresent",
                                Ports = [new V1ContainerPort { Name = "http", ContainerPort = workload.Port, Protocol = "TCP" }],
                                EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = $"{workload.Name}-config" } }],
                                Env = env,
                                Resources = Resources(workload.Size),
                                StartupProbe = Probe(workload.StartupPath, period: 5, failures: 30),
                                LivenessProbe = Probe(workload.LivenessPath, period: 10, failures: 3),
                                ReadinessProbe = Probe(workload.ReadinessPath, period: 5, failures: 3),
                                SecurityContext = new V1SecurityContext
                                {
                                    AllowPrivilegeEscalation = false,
                                    ReadOnlyRootFilesystem = true,
                                    RunAsNonRoot = true,
                                    Capabilities = new V1Capabilities { Drop = ["ALL"] },
                                    SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                                },
                                VolumeMounts = [new V1VolumeMount { Name = "tmp", MountPath = "/tmp" }],
                            },
                        ],
                        Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("64Mi") } }],
                    },
                },
            },
        };
    }

    private static V1Probe Probe(string path, int period, int failures) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = "http", Scheme = "HTTP" },
        PeriodSeconds = period,
        TimeoutSeconds = 3,
        FailureThreshold = failures,
    };

    private static V1TopologySpreadConstraint Spread(Workload workload, string key) => new()
    {
        MaxSkew = 1,
        TopologyKey = key,
        WhenUnsatisfiable = "ScheduleAnyway",
        LabelSelector = new V1LabelSelector { MatchLabels = Selector(workload.Name) },
    };

    private static V1NetworkPolicy NetworkPolicy(Workload workload, DeploymentModel model)
    {
        var http = new V1NetworkPolicyPort { Port = "http", Protocol = "TCP" };
        var ingress = new List<V1NetworkPolicyIngressRule>();
        var callers = model.Workloads.Where(w => w.Dependencies.Any(d => d.Name == workload.Name)).Select(w => w.Name).Order(StringComparer.Ordinal).ToList();
        foreach (var caller in callers)
        {
            ingress.Add(new V1NetworkPolicyIngressRule { FromProperty = [new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector { MatchLabels = Selector(caller) } }], Ports = [http] });
        }

        if (workload.External)
        {
            ingress.Add(new V1NetworkPolicyIngressRule { FromProperty = [NamespacePeer(model.IngressNamespace)], Ports = [http] });
        }

        // The kubelet's probes are not subject to NetworkPolicy; nothing else may call in.
        var egress = new List<V1NetworkPolicyEgressRule>
        {
            new()
            {
                To = [new V1NetworkPolicyPeer { NamespaceSelector = NamespaceSelector("kube-system"), PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["k8s-app"] = "kube-dns" } } }],
                Ports = [new V1NetworkPolicyPort { Port = 53, Protocol = "UDP" }, new V1NetworkPolicyPort { Port = 53, Protocol = "TCP" }],
            },
            new()
            {
                To = [NamespacePeer(model.OtlpNamespace)],
                Ports = [new V1NetworkPolicyPort { Port = 4317, Protocol = "TCP" }, new V1NetworkPolicyPort { Port = 4318, Protocol = "TCP" }],
            },
        };
        if (model.PlatformUrl is not null)
        {
            egress.Add(new V1NetworkPolicyEgressRule { To = [NamespacePeer(model.PlatformNamespace)], Ports = [new V1NetworkPolicyPort { Port = 8080, Protocol = "TCP" }] });
        }

        foreach (var dependency in workload.Dependencies.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            var target = model.Workloads.FirstOrDefault(w => w.Name == dependency.Name);
            var isWorkload = target is not null;
            var peers = new List<V1NetworkPolicyPeer> { new() { PodSelector = new V1LabelSelector { MatchLabels = Selector(dependency.Name) } } };
            if (!isWorkload)
            {
                // A data service: in the cluster in dev, a managed service elsewhere.
                peers.Add(new V1NetworkPolicyPeer { IpBlock = new V1IPBlock { Cidr = model.ManagedDataCidr } });
            }

            egress.Add(new V1NetworkPolicyEgressRule
            {
                To = peers,
                // Policies see pod ports: a workload's container port, not its Service's port 80.
                Ports = [new V1NetworkPolicyPort { Port = target?.Port ?? dependency.Port, Protocol = "TCP" }],
            });
        }

        return new V1NetworkPolicy
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "NetworkPolicy",
            Metadata = Meta(workload, workload.Name),
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector { MatchLabels = Selector(workload.Name) },
                PolicyTypes = ["Ingress", "Egress"],
                Ingress = ingress,
                Egress = egress,
            },
        };
    }

    private static V1NetworkPolicyPeer NamespacePeer(string ns) => new() { NamespaceSelector = NamespaceSelector(ns) };

    private static V1LabelSelector NamespaceSelector(string ns) =>
        new() { MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = ns } };

    private static V1ObjectMeta Meta(Workload workload, string name) => new() { Name = name, Labels = Labels(workload) };
}
