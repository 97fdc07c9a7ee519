namespace GoldenPath.Kubernetes;

/// <summary>How much CPU and memory a workload's container requests and may use.</summary>
public enum WorkloadSize
{
    /// <summary>Requests 100m CPU and 128Mi; limits 500m and 256Mi.</summary>
    Small,

    /// <summary>Requests 250m CPU and 256Mi; limits 1 CPU and 512Mi.</summary>
    Medium,

    /// <summary>Requests 500m CPU and 512Mi; limits 2 CPUs and 1Gi.</summary>
    Large,
}

/// <summary>An environment variable whose value is a key of a Kubernetes Secret: the value never appears in a manifest.</summary>
/// <param name="Variable">The environment variable, e.g. <c>ConnectionStrings__db</c>.</param>
/// <param name="SecretName">The Secret each environment must provide.</param>
/// <param name="Key">The key in the Secret.</param>
/// <param name="Description">What the value is, for SECRETS.md.</param>
internal sealed record SecretReference(string Variable, string SecretName, string Key, string Description);

/// <summary>Something a workload calls: another workload or a data service, on a port.</summary>
/// <param name="Name">The workload's or data service's name.</param>
/// <param name="Port">The port it is called on.</param>
internal sealed record WorkloadDependency(string Name, int Port);

/// <summary>
/// One golden-path workload as the emitter sees it: identity, image, ports, settings, secret references,
/// probes, size, replicas and autoscaling, and what it depends on. <see cref="ManifestEmitter"/> turns it into
/// Kubernetes objects.
/// </summary>
internal sealed record Workload
{
    /// <summary>Gets the name (a valid service name): the Deployment, Service, labels and <c>backstage.io/kubernetes-id</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the owning team.</summary>
    public required string Owner { get; init; }

    /// <summary>Gets the system (<c>app.kubernetes.io/part-of</c>, <c>service.namespace</c>).</summary>
    public required string System { get; init; }

    /// <summary>Gets the version (<c>app.kubernetes.io/version</c>).</summary>
    public string Version { get; init; } = "0.1.0";

    /// <summary>Gets the image without its tag; overlays set the tag.</summary>
    public string? Image { get; init; }

    /// <summary>Gets the image tag in the base (overlays and the pipeline replace it).</summary>
    public string ImageTag { get; init; } = "0.1.0";

    /// <summary>Gets the container port the service listens on (<c>ASPNETCORE_HTTP_PORTS</c>).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Gets a value indicating whether other workloads call it over HTTP (a Service is emitted); probes are served either way.</summary>
    public bool ServesHttp { get; init; } = true;

    /// <summary>Gets a value indicating whether traffic from the cluster's ingress may reach it.</summary>
    public bool External { get; init; }

    /// <summary>Gets the size class.</summary>
    public WorkloadSize Size { get; init; } = WorkloadSize.Small;

    /// <summary>Gets the replicas (and the autoscaler's minimum).</summary>
    public int Replicas { get; init; } = 2;

    /// <summary>Gets the autoscaler's maximum; no autoscaler when it is not above <see cref="Replicas"/>.</summary>
    public int MaxReplicas { get; init; } = 4;

    /// <summary>Gets the plain settings (a ConfigMap).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the secret settings (<c>secretKeyRef</c>).</summary>
    public IReadOnlyList<SecretReference> Secrets { get; init; } = [];

    /// <summary>Gets what it calls.</summary>
    public IReadOnlyList<WorkloadDependency> Dependencies { get; init; } = [];

    /// <summary>Gets the liveness path.</summary>
    public string LivenessPath { get; init; } = "/health/live";

    /// <summary>Gets the readiness path.</summary>
    public string ReadinessPath { get; init; } = "/health/ready";

    /// <summary>Gets the startup path.</summary>
    public string StartupPath { get; init; } = "/health/startup";

    /// <summary>Gets the service's objectives (from its <c>catalog-info.yaml</c>), for its Prometheus rules and dashboard; null: the non-production defaults.</summary>
    public GoldenPath.Catalog.ServiceLevelObjectives? Objectives { get; init; }

    /// <summary>Gets the image reference of the base: <see cref="Image"/> or the name, with <see cref="ImageTag"/>.</summary>
    public string ImageReference => $"{Image ?? Name}:{ImageTag}";
}

/// <summary>The kind of an in-cluster data service.</summary>
internal enum DataServiceKind
{
    /// <summary>PostgreSQL.</summary>
    Postgres,

    /// <summary>Redis.</summary>
    Redis,
}

/// <summary>
/// A data service the workloads use. In dev it runs in the cluster (a StatefulSet with a volume, from the
/// <c>in-cluster-data</c> component); staging and prod use a managed service whose connection strings come from Secrets.
/// </summary>
/// <param name="Name">The name (the Service the workloads call in dev).</param>
/// <param name="Kind">PostgreSQL or Redis.</param>
/// <param name="Image">The image run in dev.</param>
internal sealed record DataService(string Name, DataServiceKind Kind, string Image)
{
    /// <summary>Gets the port.</summary>
    public int Port => Kind == DataServiceKind.Postgres ? 5432 : 6379;
}

/// <summary>What the emitter writes: the workloads, the data services, and settings of the target platform.</summary>
internal sealed record DeploymentModel
{
    /// <summary>Gets the workloads.</summary>
    public required IReadOnlyList<Workload> Workloads { get; init; }

    /// <summary>Gets the data services.</summary>
    public IReadOnlyList<DataService> DataServices { get; init; } = [];

    /// <summary>Gets the OTLP endpoint workloads export to (Aspire sets none in publish mode).</summary>
    public string OtlpEndpoint { get; init; } = "http://otel-collector.observability.svc.cluster.local:4317";

    /// <summary>Gets the namespace of the OTLP collector, for egress.</summary>
    public string OtlpNamespace { get; init; } = "observability";

    /// <summary>Gets the namespace of the cluster's ingress controller, for ingress to external workloads.</summary>
    public string IngressNamespace { get; init; } = "ingress-nginx";

    /// <summary>Gets the platform's URL, when workloads register with it.</summary>
    public string? PlatformUrl { get; init; }

    /// <summary>Gets the namespace of the platform, for egress.</summary>
    public string PlatformNamespace { get; init; } = "goldenpath";

    /// <summary>Gets the address range of managed data services in staging and prod, for egress.</summary>
    public string ManagedDataCidr { get; init; } = "10.0.0.0/8";

    /// <summary>Gets the namespace prefix: overlays deploy to <c>{prefix}-{environment}</c>; none leaves the namespace to kubectl.</summary>
    public string? NamespacePrefix { get; init; }
}
