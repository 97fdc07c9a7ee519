using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace GoldenPath.Kubernetes;

/// <summary>
/// The prometheus-operator's <c>monitoring.coreos.com/v1</c> <c>PrometheusRule</c>: recording and alerting rules that a
/// Prometheus run by the operator loads when its <c>ruleSelector</c> matches the object's labels. KubernetesClient has no
/// model for it; this one carries the fields of the CRD's OpenAPI schema (prometheus-operator 0.7x), so the strict
/// reader refuses an unknown field here as it does on built-in kinds.
/// </summary>
[KubernetesEntity(Group = "monitoring.coreos.com", Kind = "PrometheusRule", ApiVersion = "v1", PluralName = "prometheusrules")]
internal sealed class PrometheusRule : IKubernetesObject<V1ObjectMeta>, IMetadata<V1ObjectMeta>
{
    /// <inheritdoc />
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "monitoring.coreos.com/v1";

    /// <inheritdoc />
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "PrometheusRule";

    /// <inheritdoc />
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>Gets or sets the rule groups.</summary>
    [JsonPropertyName("spec")]
    public PrometheusRuleSpec Spec { get; set; } = new();
}

/// <summary>The spec of a <see cref="PrometheusRule"/>.</summary>
internal sealed class PrometheusRuleSpec
{
    /// <summary>Gets or sets the rule groups.</summary>
    [JsonPropertyName("groups")]
    public IList<PrometheusRuleGroup> Groups { get; set; } = [];
}

/// <summary>A group of rules evaluated together, in order, at one interval (the same shape as a Prometheus rules file's group).</summary>
internal sealed class PrometheusRuleGroup
{
    /// <summary>Gets or sets the group's name (unique in the file).</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>Gets or sets how often the group is evaluated (<c>30s</c>); Prometheus' global interval when null.</summary>
    [JsonPropertyName("interval")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Interval { get; set; }

    /// <summary>Gets or sets how far back evaluation looks (<c>query_offset</c>).</summary>
    [JsonPropertyName("query_offset")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? QueryOffset { get; set; }

    /// <summary>Gets or sets the most series or alerts one rule may produce (0: no limit).</summary>
    [JsonPropertyName("limit")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Limit { get; set; }

    /// <summary>Gets or sets the Thanos partial response strategy.</summary>
    [JsonPropertyName("partial_response_strategy")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PartialResponseStrategy { get; set; }

    /// <summary>Gets or sets the rules.</summary>
    [JsonPropertyName("rules")]
    public IList<PrometheusRuleEntry> Rules { get; set; } = [];
}

/// <summary>One recording rule (<see cref="Record"/>) or alerting rule (<see cref="Alert"/>).</summary>
internal sealed class PrometheusRuleEntry
{
    /// <summary>Gets or sets the series a recording rule writes.</summary>
    [JsonPropertyName("record")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Record { get; set; }

    /// <summary>Gets or sets the alert an alerting rule raises.</summary>
    [JsonPropertyName("alert")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Alert { get; set; }

    /// <summary>Gets or sets the PromQL expression.</summary>
    [JsonPropertyName("expr")]
    public string Expr { get; set; } = "";

    /// <summary>Gets or sets how long an alert's expression must hold before it fires.</summary>
    [JsonPropertyName("for")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? For { get; set; }

    /// <summary>Gets or sets how long an alert keeps firing after its expression stops holding.</summary>
    [JsonPropertyName("keep_firing_for")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? KeepFiringFor { get; set; }

    /// <summary>Gets or sets the labels added to the result.</summary>
    [JsonPropertyName("labels")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IDictionary<string, string>? Labels { get; set; }

    /// <summary>Gets or sets an alert's annotations.</summary>
    [JsonPropertyName("annotations")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IDictionary<string, string>? Annotations { get; set; }
}
