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

/// <summary>Who may set a check aside for one object.</summary>
public enum PolicyWaiver
{
    /// <summary>The object itself, with a reason in its <c>goldenpath.dev/waivers</c> annotation: reliability and practice checks, whose cost falls on the team.</summary>
    Annotation,

    /// <summary>
    /// Only an entry in the platform's exceptions file (<c>goldenpath manifests validate --exceptions</c>): the checks whose
    /// failure lets a pod reach the node or the outside of the cluster. The team that writes the object does not own that file.
    /// </summary>
    ExceptionsFile,
}

/// <summary>One finding of one check on one object.</summary>
/// <param name="CheckId">The check's stable id (<c>GPK…</c>).</param>
/// <param name="Severity">Its severity.</param>
/// <param name="Object">The object, <c>Kind/name</c>.</param>
/// <param name="File">The file the object came from.</param>
/// <param name="Line">The line its document starts on.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
/// <param name="WaiverReason">The reason given in the object's waiver annotation, when waived.</param>
/// <param name="ExceptedBy">The exceptions file entry that sets it aside, when one does.</param>
public sealed record PolicyFinding(string CheckId, PolicySeverity Severity, string Object, string File, int Line, string Message, string? WaiverReason = null, PolicyException? ExceptedBy = null)
{
    /// <summary>Gets a value indicating whether the finding is waived by the object's annotation.</summary>
    public bool Waived => WaiverReason is not null;

    /// <summary>Gets a value indicating whether an entry of the platform's exceptions file sets the finding aside.</summary>
    public bool Excepted => ExceptedBy is not null;

    /// <summary>Gets a value indicating whether the finding fails validation.</summary>
    public bool Fails => Severity == PolicySeverity.Error && !Waived && !Excepted;
}

/// <summary>A check: a stable id, a title, a severity, where the rule comes from, who may waive it, and what it finds in an object.</summary>
/// <param name="Id">The stable id, used in waivers, exceptions and reports.</param>
/// <param name="Title">What it checks, in a few words.</param>
/// <param name="Severity">Its severity.</param>
/// <param name="Source">The rule it implements (Pod Security Standards, kube-score, Polaris, GoldenPath).</param>
/// <param name="WaivedBy">Who may set it aside for one object: the object's annotation, or only the platform's exceptions file.</param>
/// <param name="Evaluate">Returns a message per problem in the object, given all objects.</param>
public sealed record PolicyCheck(string Id, string Title, PolicySeverity Severity, string Source, PolicyWaiver WaivedBy, Func<ManifestDocument, PolicyContext, IEnumerable<string>> Evaluate);

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
        PodLabels = [.. documents.Where(d => d.Object is not V1PodTemplate).Select(d => PolicyEngine.PodTemplateOf(d.Object)?.Metadata?.Labels).OfType<IDictionary<string, string>>()];
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

/// <summary>
/// The golden path's policy for Kubernetes objects: Pod Security Standards (restricted and baseline), kube-score's and
/// Polaris's reliability checks, and GoldenPath's own rules, each with a stable id, on every kind that makes pods (Pod,
/// Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, PodTemplate) and on every
/// container of their pods (init and ephemeral ones included for the security checks). A reliability or practice check
/// is waived for one object with the annotation <c>goldenpath.dev/waivers: "GPK015=why; GPK016=why"</c>; a waiver
/// without a reason, or of a check the annotation may not waive (<see cref="PolicyWaiver.ExceptionsFile"/>), is itself
/// an error (<c>GPK000</c>) and waives nothing. Those checks are set aside only by the platform's exceptions file
/// (<see cref="PolicyExceptions"/>). The rules are written here because no served .NET package evaluates them;
/// <c>docs/kubernetes.md</c> lists each with its source.
/// </summary>
public static class PolicyEngine
{
    /// <summary>The annotation that carries an object's waivers.</summary>
    public const string WaiverAnnotation = "goldenpath.dev/waivers";

    private const string Pss = "Pod Security Standards";
    private const PolicyWaiver Host = PolicyWaiver.ExceptionsFile;
    private const PolicyWaiver Team = PolicyWaiver.Annotation;

    private static readonly HashSet<string> RestrictedVolumeSources = new(StringComparer.Ordinal)
    {
        nameof(V1Volume.ConfigMap), nameof(V1Volume.Csi), nameof(V1Volume.DownwardAPI), nameof(V1Volume.EmptyDir), nameof(V1Volume.Ephemeral),
        nameof(V1Volume.PersistentVolumeClaim), nameof(V1Volume.Projected), nameof(V1Volume.Secret),
    };

    // Every volume source V1Volume has, read once: a source added to the API later is not on the restricted list, so it fails.
    private static readonly System.Reflection.PropertyInfo[] VolumeSourceProperties =
        [.. typeof(V1Volume).GetProperties().Where(p => p.Name != nameof(V1Volume.Name))];

    // Pod Security Standards baseline: the sysctls a pod may set, and the SELinux types a container may run as.
    private static readonly HashSet<string> SafeSysctls = new(StringComparer.Ordinal)
    {
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
        "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
    };

    private static readonly HashSet<string> SeLinuxTypes = new(StringComparer.Ordinal) { "", "container_t", "container_init_t", "container_kvm_t", "container_engine_t" };

    /// <summary>Gets every check, in id order.</summary>
    public static IReadOnlyList<PolicyCheck> Checks { get; } =
    [
        new("GPK001", "containers run as non-root", PolicySeverity.Error, $"{Pss} restricted: runAsNonRoot, runAsUser", Host, (d, _) => SecurityContainers(d, (pod, c) =>
            (c.SecurityContext?.RunAsUser ?? pod.SecurityContext?.RunAsUser) == 0 ? "runAsUser 0 is root; remove it or use a non-zero uid (pod or container)"
            : (c.SecurityContext?.RunAsNonRoot ?? pod.SecurityContext?.RunAsNonRoot) == true ? null : "set securityContext.runAsNonRoot: true (pod or container)")),
        new("GPK002", "no privilege escalation", PolicySeverity.Error, $"{Pss} restricted: allowPrivilegeEscalation", Host, (d, _) => SecurityContainers(d, (_, c) =>
            c.SecurityContext?.AllowPrivilegeEscalation == false ? null : "set securityContext.allowPrivilegeEscalation: false")),
        new("GPK003", "all capabilities dropped", PolicySeverity.Error, $"{Pss} restricted: capabilities", Host, (d, _) => SecurityContainers(d, (_, c) =>
            c.SecurityContext?.Capabilities?.Drop?.Contains("ALL") != true ? "drop all capabilities: securityContext.capabilities.drop: [ALL]"
            : c.SecurityContext.Capabilities.Add?.Any(a => a != "NET_BIND_SERVICE") == true ? "add no capability except NET_BIND_SERVICE" : null)),
        new("GPK004", "seccomp profile RuntimeDefault", PolicySeverity.Error, $"{Pss} restricted: seccompProfile", Host, (d, _) => SecurityContainers(d, (pod, c) =>
            (c.SecurityContext?.SeccompProfile?.Type ?? pod.SecurityContext?.SeccompProfile?.Type) is "RuntimeDefault" or "Localhost" ? null : "set securityContext.seccompProfile.type: RuntimeDefault")),
        new("GPK005", "no privileged containers", PolicySeverity.Error, $"{Pss} baseline: privileged", Host, (d, _) => SecurityContainers(d, (_, c) =>
            c.SecurityContext?.Privileged == true ? "remove securityContext.privileged: true" : null)),
        new("GPK006", "no host namespaces", PolicySeverity.Error, $"{Pss} baseline: host namespaces", Host, (d, _) => Pod(d, pod =>
            pod.HostNetwork == true || pod.HostPID == true || pod.HostIPC == true ? "remove hostNetwork, hostPID and hostIPC" : null)),
        new("GPK007", "only restricted volume types", PolicySeverity.Error, $"{Pss} baseline: hostPath; restricted: volume types", Host, (d, _) => Pod(d, pod =>
            pod.Volumes?.FirstOrDefault(v => VolumeSources(v) is var sources && (sources.Count == 0 || sources.Any(s => !RestrictedVolumeSources.Contains(s)))) is { } v
                ? $"volume '{v.Name}' is of a type restricted pods may not use ({(VolumeSources(v).Where(s => !RestrictedVolumeSources.Contains(s)).ToList() is { Count: > 0 } other ? string.Join(", ", other) : "no source")}); use only emptyDir, configMap, secret, projected, downwardAPI, csi, ephemeral or a persistentVolumeClaim" : null)),
        new("GPK008", "no host ports", PolicySeverity.Error, $"{Pss} baseline: hostPorts", Host, (d, _) => SecurityContainers(d, (_, c) =>
            c.Ports?.Any(p => p.HostPort is > 0) == true ? "remove ports[].hostPort; expose the pod through a Service" : null)),
        new("GPK009", "read-only root filesystem", PolicySeverity.Error, "kube-score container-security-context-readonlyrootfilesystem; Polaris readOnlyRootFilesystem", Team, (d, _) => Containers(d, (_, c) =>
            c.SecurityContext?.ReadOnlyRootFilesystem == true ? null : "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process writes (/tmp)")),
        new("GPK010", "CPU and memory requests and limits", PolicySeverity.Error, "kube-score container-resources; Polaris cpuRequestsMissing, memoryLimitsMissing", Team, (d, _) => Containers(d, (_, c) =>
            new[] { "cpu", "memory" }.SelectMany(r => new[] { (c.Resources?.Requests?.ContainsKey(r) == true, $"requests.{r}"), (c.Resources?.Limits?.ContainsKey(r) == true, $"limits.{r}") })
                .Where(x => !x.Item1).Select(x => x.Item2).ToList() is { Count: > 0 } absent ? $"set resources {string.Join(", ", absent)}" : null)),
        new("GPK011", "liveness and readiness probes", PolicySeverity.Error, "Polaris livenessProbeMissing, readinessProbeMissing; kube-score pod-probes", Team, (d, _) => Containers(d, (_, c) =>
            c.LivenessProbe is null || c.ReadinessProbe is null ? $"add a {(c.LivenessProbe is null ? "livenessProbe" : "readinessProbe")} (golden-path services: /health/live and /health/ready)" : null)),
        new("GPK012", "liveness and readiness probes differ", PolicySeverity.Error, "kube-score pod-probes-identical", Team, (d, _) => Containers(d, (_, c) =>
            c.LivenessProbe is { } l && c.ReadinessProbe is { } r && ProbeKey(l) == ProbeKey(r) ? "use different probes: liveness checks the process only (/health/live), readiness its dependencies (/health/ready)" : null)),
        new("GPK013", "image tag pinned", PolicySeverity.Error, "kube-score container-image-tag; Polaris tagNotSpecified", Team, (d, _) => Containers(d, (_, c) =>
            ImageTag(c.Image) is null or "latest" ? $"image '{c.Image}' has no tag or 'latest'; pin a version or a digest" : null)),
        // A ConfigMap is where settings go (and envFrom turns its keys into variables): a secret there is as readable as in env.
        new("GPK014", "no secret literals in env or ConfigMaps", PolicySeverity.Error, "GoldenPath; kube-score environment-variable-key-ref", Team, (d, _) =>
            d.Object is V1ConfigMap config
                ? (config.Data ?? new Dictionary<string, string>()).Where(p => HoldsSecret(p.Key, p.Value)).Select(p => $"data {p.Key} holds a literal secret value; put it in a Secret and reference it with secretKeyRef (or envFrom secretRef)")
                : Containers(d, (_, c) =>
                    c.Env?.FirstOrDefault(e => HoldsSecret(e.Name, e.Value)) is { } e ? $"env {e.Name} holds a literal value; take it from a Secret with valueFrom.secretKeyRef" : null)),
        new("GPK015", "at least two replicas", PolicySeverity.Warning, "Polaris deploymentMissingReplicas", Team, (d, _) =>
            d.Object is V1Deployment { Spec.Replicas: < 2 } or V1StatefulSet { Spec.Replicas: < 2 } ? ["run at least 2 replicas so that a node loss or a rollout keeps it serving"] : []),
        new("GPK016", "a PodDisruptionBudget covers it", PolicySeverity.Error, "kube-score deployment-has-poddisruptionbudget; Polaris missingPodDisruptionBudget", Team, (d, all) =>
            PodLabelsOf(d) is { } labels && !all.DisruptionBudgets.Any(pdb => Selects(pdb.Spec?.Selector, labels)) ? ["add a PodDisruptionBudget whose selector matches the pods"] : []),
        new("GPK017", "a HorizontalPodAutoscaler scales it", PolicySeverity.Warning, "Polaris missingHorizontalPodAutoscaler", Team, (d, all) =>
            d.Object is V1Deployment dep && !all.Autoscalers.Any(h => h.Spec?.ScaleTargetRef?.Kind == "Deployment" && h.Spec.ScaleTargetRef.Name == dep.Metadata.Name) ? ["add a HorizontalPodAutoscaler targeting the Deployment"] : []),
        new("GPK018", "spread over nodes and zones", PolicySeverity.Warning, "kube-score deployment-has-host-podantiaffinity; Polaris topologySpreadConstraint", Team, (d, _) => Pod(d, pod =>
            pod.TopologySpreadConstraints is { Count: > 0 } || pod.Affinity?.PodAntiAffinity is not null ? null : "add topologySpreadConstraints (or podAntiAffinity) so replicas do not share a node")),
        new("GPK019", "a NetworkPolicy selects every pod", PolicySeverity.Error, "kube-score pod-networkpolicy", Team, (d, all) =>
            d.Object is not V1PodTemplate && PodTemplateOf(d.Object) is { } template && template.Metadata?.Labels is var podLabels
                && !all.NetworkPolicies.Any(np => Selects(np.Spec?.PodSelector, podLabels ?? new Dictionary<string, string>()))
                ? ["add a NetworkPolicy whose podSelector matches the pods (a default-deny with podSelector: {} counts)"] : []),
        new("GPK020", "Service selects pods", PolicySeverity.Error, "kube-score service-targets-pod", Team, (d, all) =>
            d.Object is V1Service { Spec.Type: not "ExternalName" } svc && svc.Spec.Selector is { Count: > 0 } selector
                && !all.PodLabels.Any(labels => selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value))
                ? [$"no pod template has the labels {string.Join(", ", selector.Select(s => $"{s.Key}={s.Value}"))}"] : []),
        new("GPK021", "selector matches the pod template", PolicySeverity.Error, "Kubernetes API; kube-score deployment-selector", Team, (d, _) =>
            (d.Object switch { V1Deployment x => x.Spec?.Selector, V1StatefulSet x => x.Spec?.Selector, V1ReplicaSet x => x.Spec?.Selector, _ => null }) is { } selector && !Selects(selector, PodLabelsOf(d) ?? new Dictionary<string, string>())
                ? ["spec.selector does not match spec.template.metadata.labels"] : []),
        new("GPK022", "no NodePort or LoadBalancer Service", PolicySeverity.Error, "kube-score service-type", Host, (d, _) =>
            d.Object is V1Service { Spec.Type: "NodePort" or "LoadBalancer" } svc ? [$"type {svc.Spec.Type} exposes it outside the cluster; use ClusterIP behind the ingress"] : []),
        // Workloads and Services: what the Backstage Kubernetes plugin and dashboards find a service by.
        new("GPK023", "recommended and catalog labels on workloads and Services", PolicySeverity.Warning, "Kubernetes recommended labels; Backstage kubernetes-id", Team, (d, _) =>
            d.Object is V1Deployment or V1StatefulSet or V1DaemonSet or V1Service
                && new[] { "app.kubernetes.io/name", "app.kubernetes.io/part-of", "backstage.io/kubernetes-id" }.Where(k => d.Object.Metadata.Labels?.ContainsKey(k) != true).ToList() is { Count: > 0 } absent
                ? [$"add the labels {string.Join(", ", absent)}"] : []),
        new("GPK024", "no service account token mounted", PolicySeverity.Warning, "kube-score; CIS 5.1.6", Team, (d, _) => Pod(d, pod =>
            pod.AutomountServiceAccountToken == false ? null : "set automountServiceAccountToken: false unless the pod calls the Kubernetes API")),
        new("GPK025", "no other host-level security settings", PolicySeverity.Error, $"{Pss} baseline: HostProcess, SELinux, /proc mount type, sysctls, AppArmor", Host, (d, _) =>
            PodTemplateOf(d.Object) is { Spec: { } pod } template && HostLevelSetting(template.Metadata, pod) is { } message ? [message] : []),
        // A Deployment behind a Service serves requests: its objectives are recorded and alerted on (docs/observability.md).
        new("GPK026", "SLO recording rules and burn-rate alerts for every serving Deployment", PolicySeverity.Warning, "GoldenPath; Google SRE workbook (alerting on SLOs)", Team, (d, all) =>
            d.Object is V1Deployment dep && PodLabelsOf(d) is { } labels && all.Services.Any(s => s.Spec?.Selector is { Count: > 0 } sel && sel.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value))
                && !all.PrometheusRules.Any(r => CoversService(r, dep))
                ? [$"no PrometheusRule records and alerts on its objectives (a rule over job=\"{Label(dep, "app.kubernetes.io/part-of")}/{Label(dep, "app.kubernetes.io/name")}\" and an alert); " +
                   $"the GoldenPath publish step writes observability/{Label(dep, "app.kubernetes.io/name")}-rules.yaml from catalog-info.yaml: deploy it with the workload"] : []),
    ];

    /// <summary>Evaluates every check on every object.</summary>
    /// <param name="documents">The objects.</param>
    /// <returns>The findings, waived ones included (marked).</returns>
    public static IReadOnlyList<PolicyFinding> Evaluate(IReadOnlyList<ManifestDocument> documents) => Evaluate(documents, [], DateOnly.MinValue);

    /// <summary>Evaluates every check on every object, setting aside the findings an unexpired entry of the platform's exceptions file names.</summary>
    /// <param name="documents">The objects.</param>
    /// <param name="exceptions">The exceptions file's entries (<see cref="PolicyExceptions.Read"/>).</param>
    /// <param name="today">Today (UTC): an entry applies up to and including its expiry date.</param>
    /// <returns>The findings, waived and excepted ones included (marked).</returns>
    public static IReadOnlyList<PolicyFinding> Evaluate(IReadOnlyList<ManifestDocument> documents, IReadOnlyList<PolicyException> exceptions, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(exceptions);
        var current = exceptions.Where(e => !e.IsExpired(today)).ToList();
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
                    var waiver = waivers.GetValueOrDefault(check.Id);
                    var exception = waiver is null ? current.FirstOrDefault(e => e.CheckId == check.Id && e.AppliesTo(document.Object)) : null;
                    findings.Add(new PolicyFinding(check.Id, check.Severity, document.Reference, document.File, document.Line, message, waiver, exception));
                }
            }
        }

        return findings;
    }

    /// <summary>Reads an object's waivers: <c>ID=reason</c> entries separated by ';' or new lines.</summary>
    /// <param name="value">The object.</param>
    /// <returns>The waivers with a reason of checks the annotation may waive, and a problem per other entry.</returns>
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
            var check = Checks.FirstOrDefault(c => c.Id == id);
            if (check is null)
            {
                problems.Add($"waiver '{entry}' names no known check; use an id from docs/kubernetes.md (GPK001-GPK026)");
            }
            else if (check.WaivedBy != PolicyWaiver.Annotation)
            {
                problems.Add($"{id} cannot be waived by an annotation on the object: a pod that fails it ({check.Title}) can reach the node or outside the cluster; " +
                    $"fix the object, or ask the platform team for an entry in its exceptions file (goldenpath manifests validate --exceptions), and remove it from {WaiverAnnotation}");
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

    /// <summary>The pod template of every kind that makes pods (a Pod is its own template); null for other objects.</summary>
    internal static V1PodTemplateSpec? PodTemplateOf(IKubernetesObject<V1ObjectMeta> value) => value switch
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
    internal static IDictionary<string, string>? PodLabelsOf(ManifestDocument document) =>
        document.Object is V1Deployment or V1StatefulSet or V1DaemonSet or V1ReplicaSet or V1ReplicationController
            ? PodTemplateOf(document.Object)?.Metadata?.Labels ?? new Dictionary<string, string>()
            : null;

    /// <summary>Whether a PrometheusRule records over a Deployment's OTLP metrics (<c>job="system/name"</c>) and alerts on them.</summary>
    private static bool CoversService(PrometheusRule rule, V1Deployment deployment)
    {
        var job = $"job=\"{Label(deployment, "app.kubernetes.io/part-of")}/{Label(deployment, "app.kubernetes.io/name")}\"";
        var rules = rule.Spec?.Groups?.SelectMany(g => g.Rules ?? []).ToList() ?? [];
        return rules.Any(r => r.Record is { Length: > 0 } && r.Expr.Contains(job, StringComparison.Ordinal)) && rules.Any(r => r.Alert is { Length: > 0 });
    }

    private static string Label(V1Deployment deployment, string key) =>
        deployment.Metadata?.Labels?.TryGetValue(key, out var value) == true ? value : deployment.Metadata?.Name ?? "";

    private static IEnumerable<string> Pod(ManifestDocument document, Func<V1PodSpec, string?> check) =>
        PodTemplateOf(document.Object)?.Spec is { } pod && check(pod) is { } message ? [message] : [];

    /// <summary>Init and app containers: the ones the reliability checks apply to.</summary>
    private static IEnumerable<string> Containers(ManifestDocument document, Func<V1PodSpec, V1Container, string?> check) =>
        PodTemplateOf(document.Object)?.Spec is { } pod ? Messages(pod, (pod.InitContainers ?? []).Concat(pod.Containers ?? []), check) : [];

    /// <summary>Every container a pod can run, ephemeral (debug) ones included: the security checks apply to all of them.</summary>
    private static IEnumerable<string> SecurityContainers(ManifestDocument document, Func<V1PodSpec, V1Container, string?> check) =>
        PodTemplateOf(document.Object)?.Spec is { } pod ? Messages(pod, AllContainers(pod), check) : [];

    private static IEnumerable<V1Container> AllContainers(V1PodSpec pod) =>
        (pod.InitContainers ?? []).Concat(pod.Containers ?? [])
            .Concat((pod.EphemeralContainers ?? []).Select(e => new V1Container { Name = e.Name, Image = e.Image, SecurityContext = e.SecurityContext, Ports = e.Ports, Env = e.Env }));

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

    private static List<string> VolumeSources(V1Volume volume) =>
        [.. VolumeSourceProperties.Where(p => p.GetValue(volume) is not null).Select(p => p.Name)];

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

    /// <summary>A value under a secret-looking name, or a connection string with a password in it under any name.</summary>
    private static bool HoldsSecret(string name, string? value) =>
        value is { Length: > 0 } && (LooksSecret(name) || value.Contains("password=", StringComparison.OrdinalIgnoreCase) || value.Contains("pwd=", StringComparison.OrdinalIgnoreCase));

    private static bool LooksSecret(string name)
    {
        var upper = name.ToUpperInvariant();
        return upper.Contains("PASSWORD", StringComparison.Ordinal) || upper.Contains("SECRET", StringComparison.Ordinal) || upper.Contains("TOKEN", StringComparison.Ordinal)
            || upper.Contains("APIKEY", StringComparison.Ordinal) || upper.Contains("API_KEY", StringComparison.Ordinal) || upper.Contains("CONNECTIONSTRING", StringComparison.Ordinal);
    }
}
