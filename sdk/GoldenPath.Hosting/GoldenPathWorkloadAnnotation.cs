using Aspire.Hosting.ApplicationModel;
using GoldenPath.Kubernetes;

namespace GoldenPath.Hosting;

/// <summary>The golden-path settings of a service for publishing: size, replicas, autoscaling, who may call it.</summary>
public sealed class GoldenPathWorkloadAnnotation : IResourceAnnotation
{
    /// <summary>Gets or sets the size class.</summary>
    public WorkloadSize Size { get; set; } = WorkloadSize.Small;

    /// <summary>Gets or sets the replicas (at least 2 for a pod disruption budget to make sense).</summary>
    public int Replicas { get; set; } = 2;

    /// <summary>Gets or sets the most replicas the autoscaler may run; no autoscaler when equal to <see cref="Replicas"/>.</summary>
    public int MaxReplicas { get; set; } = 4;

    /// <summary>Gets or sets whether the service is reached from outside the cluster (an ingress allowance), not only by its callers.</summary>
    public bool External { get; set; }

    /// <summary>Gets or sets whether the service listens for HTTP callers (a worker that serves only its probes does not).</summary>
    public bool ServesHttp { get; set; } = true;
}
