using System.Collections.Frozen;
using k8s;
using k8s.Models;

namespace GoldenPath.Kubernetes;

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

    /// <summary>Gets every check, in id order. Each is a type of its own in <c>Policy/Checks</c>, named after its id.</summary>
    internal static IReadOnlyList<PolicyCheck> Checks { get; } =
    [
        Gpk001RunsAsNonRoot.Check,
        Gpk002NoPrivilegeEscalation.Check,
        Gpk003AllCapabilitiesDropped.Check,
        Gpk004SeccompProfile.Check,
        Gpk005NoPrivilegedContainers.Check,
        Gpk006NoHostNamespaces.Check,
        Gpk007RestrictedVolumeTypes.Check,
        Gpk008NoHostPorts.Check,
        Gpk009ReadOnlyRootFilesystem.Check,
        Gpk010ResourceRequestsAndLimits.Check,
        Gpk011LivenessAndReadinessProbes.Check,
        Gpk012ProbesDiffer.Check,
        Gpk013ImageTagPinned.Check,
        Gpk014NoSecretLiterals.Check,
        Gpk015TwoReplicas.Check,
        Gpk016DisruptionBudget.Check,
        Gpk017Autoscaler.Check,
        Gpk018SpreadOverNodes.Check,
        Gpk019NetworkPolicySelectsPods.Check,
        Gpk020ServiceSelectsPods.Check,
        Gpk021SelectorMatchesTemplate.Check,
        Gpk022NoNodePortOrLoadBalancer.Check,
        Gpk023RecommendedLabels.Check,
        Gpk024NoServiceAccountToken.Check,
        Gpk025NoHostLevelSettings.Check,
        Gpk026SloRulesAndAlerts.Check,
    ];

    private static readonly FrozenDictionary<string, PolicyCheck> ById = Checks.ToFrozenDictionary(c => c.Id, StringComparer.Ordinal);

    /// <summary>The check with the id <paramref name="id"/> (<c>GPK013</c>), or null when no check has it.</summary>
    internal static PolicyCheck? Find(string id) => ById.GetValueOrDefault(id);

    /// <summary>Evaluates every check on every object.</summary>
    /// <param name="documents">The objects.</param>
    /// <returns>The findings, waived ones included (marked).</returns>
    public static IReadOnlyList<PolicyFinding> Evaluate(IReadOnlyList<ManifestDocument> documents) => Evaluate(documents, [], DateOnly.MinValue);

    /// <summary>Evaluates every check on every object, setting aside the findings an unexpired entry of the platform's exceptions file names.</summary>
    /// <param name="documents">The objects.</param>
    /// <param name="exceptions">The exceptions file's entries (<see cref="PolicyExceptions.Read"/>).</param>
    /// <param name="today">Today (UTC): an entry applies up to and including its expiry date.</param>
    /// <returns>The findings, waived and excepted ones included (marked).</returns>
    public static IReadOnlyList<PolicyFinding> Evaluate(IReadOnlyList<ManifestDocument> documents, IReadOnlyList<PolicyException> exceptions, DateOnly today) =>
        Evaluate(documents, exceptions, today, Checks);

    /// <summary>Evaluates <paramref name="checks"/> on every object; waivers name only those checks.</summary>
    internal static IReadOnlyList<PolicyFinding> Evaluate(IReadOnlyList<ManifestDocument> documents, IReadOnlyList<PolicyException> exceptions, DateOnly today, IReadOnlyList<PolicyCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(exceptions);
        var current = exceptions.Where(e => !e.IsExpired(today)).ToList();
        var findings = new List<PolicyFinding>();
        var context = new PolicyContext(documents);
        foreach (var document in documents)
        {
            var (waivers, problems) = ReadWaivers(document.Object, checks);
            findings.AddRange(problems.Select(p => new PolicyFinding("GPK000", PolicySeverity.Error, document.Reference, document.File, document.Line, p)));
            foreach (var check in checks)
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
    internal static (Dictionary<string, string> Waivers, List<string> Problems) ReadWaivers(IKubernetesObject<V1ObjectMeta> value) => ReadWaivers(value, Checks);

    private static (Dictionary<string, string> Waivers, List<string> Problems) ReadWaivers(IKubernetesObject<V1ObjectMeta> value, IReadOnlyList<PolicyCheck> checks)
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
            var check = checks.FirstOrDefault(c => c.Id == id);
            if (check is null)
            {
                problems.Add($"waiver '{entry}' names no known check; use an id from docs/kubernetes.md ({IdRange(checks)})");
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

    /// <summary>The ids <paramref name="checks"/> run from and to (<c>GPK001-GPK026</c>), read from the checks so that a new one is named.</summary>
    private static string IdRange(IReadOnlyList<PolicyCheck> checks)
    {
        var ids = checks.Select(c => c.Id).Order(StringComparer.Ordinal).ToList();
        return ids.Count == 0 ? "none" : $"{ids[0]}-{ids[^1]}";
    }
}
