using k8s;
using k8s.Models;

namespace GoldenPath.Kubernetes;

/// <summary>What the checks read from an object: its pod template, its pod's containers, its labels, and whether a selector matches them.</summary>
internal static class PodSpecs
{
    /// <summary>The pod template of every kind that makes pods (a Pod is its own template); null for other objects.</summary>
    public static V1PodTemplateSpec? PodTemplateOf(IKubernetesObject<V1ObjectMeta> value) => value switch
    {
        V1Deployment d => d.Spec?.Template,
        V1StatefulSet s => s.Spec?.Template,
        V1DaemonSet ds => ds.Spec?.Template,
        V1ReplicaSet rs => rs.Spec?.Template,
        V1ReplicationController rc => rc.Spec?.Template,
        V1Job j => j.Spec?.Template,
        V1CronJob cj => cj.Spec?.JobTemplate?.Spec?.Template,
        V1PodTemplate t => t.Template,
        V1Pod p => new V1PodTemplateSpec { Metadata = p.Metadata, Spec = p.Spec },
        _ => null,
    };

    /// <summary>The labels of a long-running workload's pod template (what a PodDisruptionBudget covers); null for other objects.</summary>
    public static IDictionary<string, string>? PodLabelsOf(ManifestDocument document) =>
        document.Object is V1Deployment or V1StatefulSet or V1DaemonSet or V1ReplicaSet or V1ReplicationController
            ? PodTemplateOf(document.Object)?.Metadata?.Labels ?? new Dictionary<string, string>()
            : null;

    /// <summary>The message of a pod-level check, when the object makes pods and the check finds a problem.</summary>
    public static IEnumerable<string> Pod(ManifestDocument document, Func<V1PodSpec, string?> check) =>
        PodTemplateOf(document.Object)?.Spec is { } pod && check(pod) is { } message ? [message] : [];

    /// <summary>Init and app containers: the ones the reliability checks apply to.</summary>
    public static IEnumerable<string> Containers(ManifestDocument document, Func<V1PodSpec, V1Container, string?> check) =>
        PodTemplateOf(document.Object)?.Spec is { } pod ? Messages(pod, (pod.InitContainers ?? []).Concat(pod.Containers ?? []), check) : [];

    /// <summary>Every container a pod can run, ephemeral (debug) ones included: the security checks apply to all of them.</summary>
    public static IEnumerable<string> SecurityContainers(ManifestDocument document, Func<V1PodSpec, V1Container, string?> check) =>
        PodTemplateOf(document.Object)?.Spec is { } pod ? Messages(pod, AllContainers(pod), check) : [];

    /// <summary>Init, app and ephemeral containers, the ephemeral ones as containers with the fields the security checks read.</summary>
    public static IEnumerable<V1Container> AllContainers(V1PodSpec pod) =>
        (pod.InitContainers ?? []).Concat(pod.Containers ?? [])
            .Concat((pod.EphemeralContainers ?? []).Select(e => new V1Container { Name = e.Name, Image = e.Image, SecurityContext = e.SecurityContext, Ports = e.Ports, Env = e.Env }));

    /// <summary>Whether a label selector selects pods with <paramref name="labels"/>; a missing selector selects nothing.</summary>
    public static bool Selects(V1LabelSelector? selector, IDictionary<string, string> labels)
    {
        if (selector is null)
        {
            return false;
        }

        var matchLabels = selector.MatchLabels ?? new Dictionary<string, string>();
        return matchLabels.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value)
            && (selector.MatchExpressions ?? []).All(e => e.OperatorProperty switch
            {
                "In" => labels.TryGetValue(e.Key, out var v) && e.Values.Contains(v),
                "NotIn" => !labels.TryGetValue(e.Key, out var v) || !e.Values.Contains(v),
                "Exists" => labels.ContainsKey(e.Key),
                "DoesNotExist" => !labels.ContainsKey(e.Key),
                _ => false,
            });
    }

    /// <summary>The value of a Deployment's label, or its name when it has no such label.</summary>
    public static string Label(V1Deployment deployment, string key) =>
        deployment.Metadata?.Labels?.TryGetValue(key, out var value) == true ? value : deployment.Metadata?.Name ?? "";

    private static IEnumerable<string> Messages(V1PodSpec pod, IEnumerable<V1Container> containers, Func<V1PodSpec, V1Container, string?> check)
    {
        foreach (var container in containers)
        {
            if (check(pod, container) is { } message)
            {
                yield return $"container '{container.Name}': {message}";
            }
        }
    }
}
