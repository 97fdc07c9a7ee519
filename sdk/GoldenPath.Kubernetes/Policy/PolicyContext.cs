using k8s.Models;

namespace GoldenPath.Kubernetes;

/// <summary>All the objects checked together, grouped once by kind for the checks that relate objects to each other.</summary>
internal sealed class PolicyContext
{
    /// <summary>Initializes a new instance of the <see cref="PolicyContext"/> class.</summary>
    /// <param name="documents">The objects.</param>
    public PolicyContext(IReadOnlyList<ManifestDocument> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        All = documents;
        DisruptionBudgets = [.. documents.Select(d => d.Object).OfType<V1PodDisruptionBudget>()];
        Autoscalers = [.. documents.Select(d => d.Object).OfType<V2HorizontalPodAutoscaler>()];
        NetworkPolicies = [.. documents.Select(d => d.Object).OfType<V1NetworkPolicy>()];
        PodLabels = [.. documents.Where(d => d.Object is not V1PodTemplate).Select(d => PodSpecs.PodTemplateOf(d.Object)?.Metadata?.Labels).OfType<IDictionary<string, string>>()];
        PrometheusRules = [.. documents.Select(d => d.Object).OfType<PrometheusRule>()];
        Services = [.. documents.Select(d => d.Object).OfType<V1Service>()];
    }

    /// <summary>Gets the prometheus-operator PrometheusRules.</summary>
    public IReadOnlyList<PrometheusRule> PrometheusRules { get; }

    /// <summary>Gets the Services.</summary>
    public IReadOnlyList<V1Service> Services { get; }

    /// <summary>Gets every object.</summary>
    public IReadOnlyList<ManifestDocument> All { get; }

    /// <summary>Gets the PodDisruptionBudgets.</summary>
    public IReadOnlyList<V1PodDisruptionBudget> DisruptionBudgets { get; }

    /// <summary>Gets the HorizontalPodAutoscalers.</summary>
    public IReadOnlyList<V2HorizontalPodAutoscaler> Autoscalers { get; }

    /// <summary>Gets the NetworkPolicies.</summary>
    public IReadOnlyList<V1NetworkPolicy> NetworkPolicies { get; }

    /// <summary>Gets the labels of the pods every object that makes pods makes (a PodTemplate makes none).</summary>
    public IReadOnlyList<IDictionary<string, string>> PodLabels { get; }
}
