using GoldenPath.Kubernetes;
using Microsoft.Extensions.Configuration;

namespace GoldenPath.Hosting;

/// <summary>
/// The Kubernetes publish step's settings, bound once from <c>GoldenPath:Kubernetes</c> in the app host's configuration
/// (<c>GoldenPath__Kubernetes__ImageTag</c> in the environment, <c>--GoldenPath:Kubernetes:ImageTag</c> on the command line).
/// A setting left out takes the default of <see cref="DeploymentModel"/>.
/// </summary>
internal sealed class KubernetesPublishOptions
{
    /// <summary>The configuration section the settings are read from.</summary>
    public const string SectionName = "GoldenPath:Kubernetes";

    /// <summary>Gets or sets the image tag of every workload (default <c>dev</c>; CI sets the commit).</summary>
    public string? ImageTag { get; set; }

    /// <summary>Gets or sets the namespace prefix the overlays deploy to (<c>{Namespace}-{env}</c>); default the owner when all services share one.</summary>
    public string? Namespace { get; set; }

    /// <summary>Gets or sets the OTLP endpoint the workloads export to.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Gets or sets the namespace of the OpenTelemetry collector (for the network policies).</summary>
    public string? OtlpNamespace { get; set; }

    /// <summary>Gets or sets the namespace of the ingress controller.</summary>
    public string? IngressNamespace { get; set; }

    /// <summary>Gets or sets the URL of a platform outside this app model.</summary>
    public string? PlatformUrl { get; set; }

    /// <summary>Gets or sets the namespace of a platform outside this app model.</summary>
    public string? PlatformNamespace { get; set; }

    /// <summary>Gets or sets the address range of the managed data services of staging and prod.</summary>
    public string? ManagedDataCidr { get; set; }

    /// <summary>Gets the image tag to write: <see cref="ImageTag"/> when set, otherwise <c>dev</c>.</summary>
    public string EffectiveImageTag => ImageTag is { Length: > 0 } tag ? tag : "dev";

    /// <summary>Reads the settings from the app host's configuration.</summary>
    public static KubernetesPublishOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<KubernetesPublishOptions>() ?? new KubernetesPublishOptions();
}
