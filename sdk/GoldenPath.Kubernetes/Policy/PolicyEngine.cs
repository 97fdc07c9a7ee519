using k8s;
using k8s.Models;

namespace GoldenPath.Kubernetes;

/// <summary>How much a policy finding matters: an error fails validation, a warning is reported.</summary>
public enum PolicySeverity
{
    /// <summary>Reported; does not fail.</summary>
    Warning,

    /// <summary>Fails validation unless waived.</summary>
    Error,
}

/// <summary>One finding of one check on one object.</summary>
/// <param name="CheckId">The check's stable id (<c>GPK…</c>).</param>
/// <param name="Severity">Its severity.</param>
/// <param name="Object">The object, <c>Kind/name</c>.</param>
/// <param name="File">The file the object came from.</param>
/// <param name="Line">The line its document starts on.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
/// <param name="WaiverReason">The reason given in the object's waiver annotation, when waived.</param>
public sealed record PolicyFinding(string CheckId, PolicySeverity Severity, string Object, string File, int Line, string Message, string? WaiverReason = null)
{
    /// <summary>Gets a value indicating whether the finding is waived.</summary>
    public bool Waived => WaiverReason is not null;

    /// <summary>Gets a value indicating whether the finding fails validation.</summary>
    public bool Fails => Severity == PolicySeverity.Error && !Waived;
}

/// <summary>A check: a stable id, a title, a severity, where the rule comes from, and what it finds in an object.</summary>
/// <param name="Id">The stable id, used in waivers and reports.</param>
/// <param name="Title">What it checks, in a few words.</param>
/// <param name="Severity">Its severity.</param>
/// <param name="Source">The rule it implements (Pod Security Standards, kube-score, Polaris, GoldenPath).</param>
/// <param name="Evaluate">Returns a message per problem in the object, given all objects.</param>
public sealed record PolicyCheck(string Id, string Title, PolicySeverity Severity, string Source, Func<ManifestDocument, PolicyContext, IEnumerable<string>> Evaluate);

/// <summary>All the objects checked together, grouped once by kind for the checks that relate objects to each other.</summary>
public sealed class PolicyContext
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
        PodLabels = [.. documents.Select(PolicyEngine.PodLabelsOf).OfType<IDictionary<string, string>>()];
    }

    /// <summary>Gets every object.</summary>
    public IReadOnlyList<ManifestDocument> All { get; }

    /// <summary>Gets the PodDisruptionBudgets.</summary>
    public IReadOnlyList<V1PodDisruptionBudget> DisruptionBudgets { get; }

    /// <summary>Gets the HorizontalPodAutoscalers.</summary>
    public IReadOnlyList<V2HorizontalPodAutoscaler> Autoscalers { get; }

    /// <summary>Gets the NetworkPolicies.</summary>
    public IReadOnlyList<V1NetworkPolicy> NetworkPolicies { get; }

    /// <summary>Gets the labels of every pod template.</summary>
    public IReadOnlyList<IDictionary<string, string>> PodLabels { get; }
}

/// <summary>
/// The golden path's policy for Kubernetes objects: Pod Security Standards (restricted and baseline), kube-score's and
/// Polaris's reliability checks, and GoldenPath's own rules, each with a stable id. A check is waived for one object with
/// the annotation <c>goldenpath.dev/waivers: "GPK015=why; GPK016=why"</c>; a waiver without a reason is itself an error
/// (<c>GPK000</c>) and waives nothing. The rules are written here because no served .NET package evaluates them;
/// <c>docs/kubernetes.md</c> lists each with its source.
/// </summary>
public static class PolicyEngine
{
    /// <summary>The annotation that carries an object's waivers.</summary>
    public const string WaiverAnnotation = "goldenpath.dev/waivers";

    private const string Pss = "Pod Security Standards";

    /// <summary>Gets every check, in id order.</summary>
    public static IReadOnlyList<PolicyCheck> Checks { get; } =
    [
        new("GPK001", "containers run as non-root", PolicySeverity.Error, $"{Pss} restricted: runAsNonRoot", (d, _) => Containers(d, (pod, c) =>
            (c.SecurityContext?.RunAsNonRoot ?? pod.SecurityContext?.RunAsNonRoot) == true ? null : "set securityContext.runAsNonRoot: true (pod or container)")),
        new("GPK002", "no privilege escalation", PolicySeverity.Error, $"{Pss} restricted: allowPrivilegeEscalation", (d, _) => Containers(d, (_, c) =>
            c.SecurityContext?.AllowPrivilegeEscalation == false ? null : "set securityContext.allowPrivilegeEscalation: false")),
        new("GPK003", "all capabilities dropped", PolicySeverity.Error, $"{Pss} restricted: capabilities", (d, _) => Containers(d, (_, c) =>
            c.SecurityContext?.Capabilities?.Drop?.Contains("ALL") != true ? "drop all capabilities: securityContext.capabilities.drop: [ALL]"
            : c.SecurityContext.Capabilities.Add?.Any(a => a != "NET_BIND_SERVICE") == true ? "add no capability except NET_BIND_SERVICE" : null)),
        new("GPK004", "seccomp profile RuntimeDefault", PolicySeverity.Error, $"{Pss} restricted: seccompProfile", (d, _) => Containers(d, (pod, c) =>
            (c.SecurityContext?.SeccompProfile?.Type ?? pod.SecurityContext?.SeccompProfile?.Type) is "RuntimeDefault" or "Localhost" ? null : "set securityContext.seccompProfile.type: RuntimeDefault")),
        new("GPK005", "no privileged containers", PolicySeverity.Error, $"{Pss} baseline: privileged", (d, _) => Containers(d, (_, c) =>
            c.SecurityContext?.Privileged == true ? "remove securityContext.privileged: true" : null)),
        new("GPK006", "no host namespaces", PolicySeverity.Error, $"{Pss} baseline: host namespaces", (d, _) => Pod(d, pod =>
            pod.HostNetwork == true || pod.HostPID == true || pod.HostIPC == true ? "remove hostNetwork, hostPID and hostIPC" : null)),
        new("GPK007", "only restricted volume types", PolicySeverity.Error, $"{Pss} baseline: hostPath; restricted: volume types", (d, _) => Pod(d, pod =>
            pod.Volumes?.FirstOrDefault(v => v.ConfigMap is null && v.Secret is null && v.EmptyDir is null && v.Projected is null && v.PersistentVolumeClaim is null && v.DownwardAPI is null && v.Ephemeral is null && v.Csi is null) is { } v
                ? $"volume '{v.Name}' is of a type restricted pods may not use (e.g. hostPath); use emptyDir, configMap, secret, projected or a persistentVolumeClaim" : null)),
        new("GPK008", "no host ports", PolicySeverity.Error, $"{Pss} baseline: hostPorts", (d, _) => Containers(d, (_, c) =>
            c.Ports?.Any(p => p.HostPort is > 0) == true ? "remove ports[].hostPort; expose the pod through a Service" : null)),
        new("GPK009", "read-only root filesystem", PolicySeverity.Error, "kube-score container-security-context-readonlyrootfilesystem; Polaris readOnlyRootFilesystem", (d, _) => Containers(d, (_, c) =>
            c.SecurityContext?.ReadOnlyRootFilesystem == true ? null : "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process writes (/tmp)")),
        new("GPK010", "CPU and memory requests and limits", PolicySeverity.Error, "kube-score container-resources; Polaris cpuRequestsMissing, memoryLimitsMissing", (d, _) => Containers(d, (_, c) =>
            new[] { "cpu", "memory" }.SelectMany(r => new[] { (c.Resources?.Requests?.ContainsKey(r) == true, $"requests.{r}"), (c.Resources?.Limits?.ContainsKey(r) == true, $"limits.{r}") })
                .Where(x => !x.Item1).Select(x => x.Item2).ToList() is { Count: > 0 } absent ? $"set resources {string.Join(", ", absent)}" : null)),
        new("GPK011", "liveness and readiness probes", PolicySeverity.Error, "Polaris livenessProbeMissing, readinessProbeMissing; kube-score pod-probes", (d, _) => Containers(d, (_, c) =>
            c.LivenessProbe is null || c.ReadinessProbe is null ? $"add a {(c.LivenessProbe is null ? "livenessProbe" : "readinessProbe")} (golden-path services: /health/live and /health/ready)" : null)),
        new("GPK012", "liveness and readiness probes differ", PolicySeverity.Error, "kube-score pod-probes-identical", (d, _) => Containers(d, (_, c) =>
            c.LivenessProbe is { } l && c.ReadinessProbe is { } r && ProbeKey(l) == ProbeKey(r) ? "use different probes: liveness checks the process only (/health/live), readiness its dependencies (/health/ready)" : null)),
        new("GPK013", "image tag pinned", PolicySeverity.Error, "kube-score container-image-tag; Polaris tagNotSpecified", (d, _) => Containers(d, (_, c) =>
            ImageTag(c.Image) is null or "latest" ? $"image '{c.Image}' has no tag or 'latest'; pin a version or a digest" : null)),
        new("GPK014", "no secret literals in env", PolicySeverity.Error, "GoldenPath; kube-score environment-variable-key-ref", (d, _) => Containers(d, (_, c) =>
            c.Env?.FirstOrDefault(e => e.Value is { Length: > 0 } && LooksSecret(e.Name)) is { } e ? $"env {e.Name} holds a literal value; take it from a Secret with valueFrom.secretKeyRef" : null)),
        new("GPK015", "at least two replicas", PolicySeverity.Warning, "Polaris deploymentMissingReplicas", (d, _) =>
            d.Object is V1Deployment { Spec.Replicas: < 2 } or V1StatefulSet { Spec.Replicas: < 2 } ? ["run at least 2 replicas so that a node loss or a rollout keeps it serving"] : []),
        new("GPK016", "a PodDisruptionBudget covers it", PolicySeverity.Error, "kube-score deployment-has-poddisruptionbudget; Polaris missingPodDisruptionBudget", (d, all) =>
            PodLabelsOf(d) is { } labels && !all.DisruptionBudgets.Any(pdb => Selects(pdb.Spec?.Selector, labels)) ? ["add a PodDisruptionBudget whose selector matches the pods"] : []),
        new("GPK017", "a HorizontalPodAutoscaler scales it", PolicySeverity.Warning, "Polaris missingHorizontalPodAutoscaler", (d, all) =>
            d.Object is V1Deployment dep && !all.Autoscalers.Any(h => h.Spec?.ScaleTargetRef?.Kind == "Deployment" && h.Spec.ScaleTargetRef.Name == dep.Metadata.Name) ? ["add a HorizontalPodAutoscaler targeting the Deployment"] : []),
        new("GPK018", "spread over nodes and zones", PolicySeverity.Warning, "kube-score deployment-has-host-podantiaffinity; Polaris topologySpreadConstraint", (d, _) => Pod(d, pod =>
            pod.TopologySpreadConstraints is { Count: > 0 } || pod.Affinity?.PodAntiAffinity is not null ? null : "add topologySpreadConstraints (or podAntiAffinity) so replicas do not share a node")),
        new("GPK019", "a NetworkPolicy selects every pod", PolicySeverity.Error, "kube-score pod-networkpolicy", (d, all) =>
            PodLabelsOf(d) is { } labels && !all.NetworkPolicies.Any(np => Selects(np.Spec?.PodSelector, labels)) ? ["add a NetworkPolicy whose podSelector matches the pods (a default-deny with podSelector: {} counts)"] : []),
        new("GPK020", "Service selects pods", PolicySeverity.Error, "kube-score service-targets-pod", (d, all) =>
            d.Object is V1Service { Spec.Type: not "ExternalName" } svc && svc.Spec.Selector is { Count: > 0 } selector
                && !all.PodLabels.Any(labels => selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value))
                ? [$"no pod template has the labels {string.Join(", ", selector.Select(s => $"{s.Key}={s.Value}"))}"] : []),
        new("GPK021", "selector matches the pod template", PolicySeverity.Error, "Kubernetes API; kube-score deployment-selector", (d, _) =>
            (d.Object switch { V1Deployment x => x.Spec?.Selector, V1StatefulSet x => x.Spec?.Selector, _ => null }) is { } selector && !Selects(selector, PodLabelsOf(d) ?? new Dictionary<string, string>())
                ? ["spec.selector does not match spec.template.metadata.labels"] : []),
        new("GPK022", "no NodePort or LoadBalancer Service", PolicySeverity.Error, "kube-score service-type", (d, _) =>
            d.Object is V1Service { Spec.Type: "NodePort" or "LoadBalancer" } svc ? [$"type {svc.Spec.Type} exposes it outside the cluster; use ClusterIP behind the ingress"] : []),
        // Workloads and Services: what the Backstage Kubernetes plugin and dashboards find a service by.
        new("GPK023", "recommended and catalog labels on workloads and Services", PolicySeverity.Warning, "Kubernetes recommended labels; Backstage kubernetes-id", (d, _) =>
            d.Object is V1Deployment or V1StatefulSet or V1DaemonSet or V1Service
                && new[] { "app.kubernetes.io/name", "app.kubernetes.io/part-of", "backstage.io/kubernetes-id" }.Where(k => d.Object.Metadata.Labels?.ContainsKey(k) != true).ToList() is { Count: > 0 } absent
                ? [$"add the labels {string.Join(", ", absent)}"] : []),
        new("GPK024", "no service account token mounted", PolicySeverity.Warning, "kube-score; CIS 5.1.6", (d, _) => Pod(d, pod =>
            pod.AutomountServiceAccountToken == false ? null : "set automountServiceAccountToken: false unless the pod calls the Kubernetes API")),
    ];

    /// <summary>Evaluates every check on every object.</summary>
    /// <param name="documents">The objects.</param>
    /// <returns>The findings, waived ones included (marked).</returns>
    public static IReadOnlyList<PolicyFinding> Evaluate(IReadOnlyList<ManifestDocument> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var findings = new List<PolicyFinding>();
        var context = new PolicyContext(documents);
        foreach (var document in documents)
        {
            var (waivers, problems) = ReadWaivers(document.Object);
            findings.AddRange(problems.Select(p => new PolicyFinding("GPK000", PolicySeverity.Error, document.Reference, document.File, document.Line, p)));
            foreach (var check in Checks)
            {
                foreach (var message in check.Evaluate(document, context))
                {
                    findings.Add(new PolicyFinding(check.Id, check.Severity, document.Reference, document.File, document.Line, message, waivers.GetValueOrDefault(check.Id)));
                }
            }
        }

        return findings;
    }

    /// <summary>Reads an object's waivers: <c>ID=reason</c> entries separated by ';' or new lines.</summary>
    /// <param name="value">The object.</param>
    /// <returns>The waivers with a reason, and a problem per entry without one.</returns>
    public static (Dictionary<string, string> Waivers, List<string> Problems) ReadWaivers(IKubernetesObject<V1ObjectMeta> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var waivers = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        if (value.Metadata?.Annotations?.TryGetValue(WaiverAnnotation, out var text) != true || text is null)
        {
            return (waivers, problems);
        }

        foreach (var entry in text.Split([';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = entry.IndexOf('=', StringComparison.Ordinal);
            var id = (separator < 0 ? entry : entry[..separator]).Trim();
            var reason = separator < 0 ? "" : entry[(separator + 1)..].Trim();
            if (!Checks.Any(c => c.Id == id))
            {
                problems.Add($"waiver '{entry}' names no known check; use an id from docs/kubernetes.md (GPK001-GPK024)");
            }
            else if (reason.Length < 10)
            {
                problems.Add($"waiver of {id} has no reason; write '{id}=<why this object may break the rule>' (at least 10 characters) in {WaiverAnnotation}");
            }
            else
            {
                waivers[id] = reason;
            }
        }

        return (waivers, problems);
    }

    private static V1PodSpec? PodSpec(IKubernetesObject<V1ObjectMeta> value) => value switch
    {
        V1Deployment d => d.Spec?.Template?.Spec,
        V1StatefulSet s => s.Spec?.Template?.Spec,
        V1DaemonSet ds => ds.Spec?.Template?.Spec,
        V1Job j => j.Spec?.Template?.Spec,
        V1CronJob cj => cj.Spec?.JobTemplate?.Spec?.Template?.Spec,
        V1Pod p => p.Spec,
        _ => null,
    };

    /// <summary>The labels of a workload's pod template; null for objects without one.</summary>
    internal static IDictionary<string, string>? PodLabelsOf(ManifestDocument document) => document.Object switch
    {
        V1Deployment d => d.Spec?.Template?.Metadata?.Labels ?? new Dictionary<string, string>(),
        V1StatefulSet s => s.Spec?.Template?.Metadata?.Labels ?? new Dictionary<string, string>(),
        V1DaemonSet ds => ds.Spec?.Template?.Metadata?.Labels ?? new Dictionary<string, string>(),
        _ => null,
    };

    private static IEnumerable<string> Pod(ManifestDocument document, Func<V1PodSpec, string?> check) =>
        PodSpec(document.Object) is { } pod && check(pod) is { } message ? [message] : [];

    private static IEnumerable<string> Containers(ManifestDocument document, Func<V1PodSpec, V1Container, string?> check)
    {
        if (PodSpec(document.Object) is not { } pod)
        {
            yield break;
        }

        foreach (var container in (pod.InitContainers ?? []).Concat(pod.Containers ?? []))
        {
            if (check(pod, container) is { } message)
            {
                yield return $"container '{container.Name}': {message}";
            }
        }
    }

    private static bool Selects(V1LabelSelector? selector, IDictionary<string, string> labels)
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

    private static string ProbeKey(V1Probe probe) =>
        $"{probe.HttpGet?.Path}|{probe.HttpGet?.Port?.Value}|{probe.TcpSocket?.Port?.Value}|{string.Join(' ', probe.Exec?.Command ?? [])}|{probe.Grpc?.Port}";

    private static string? ImageTag(string? image)
    {
        if (string.IsNullOrEmpty(image))
        {
            return null;
        }

        if (image.Contains('@', StringComparison.Ordinal))
        {
            return "digest";
        }

        var lastSlash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > lastSlash ? image[(colon + 1)..] : null;
    }

    private static bool LooksSecret(string name)
    {
        var upper = name.ToUpperInvariant();
        return upper.Contains("PASSWORD", StringComparison.Ordinal) || upper.Contains("SECRET", StringComparison.Ordinal) || upper.Contains("TOKEN", StringComparison.Ordinal)
            || upper.Contains("APIKEY", StringComparison.Ordinal) || upper.Contains("API_KEY", StringComparison.Ordinal) || upper.Contains("CONNECTIONSTRING", StringComparison.Ordinal);
    }
}
