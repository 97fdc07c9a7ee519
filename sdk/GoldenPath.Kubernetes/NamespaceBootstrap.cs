using System.Text.RegularExpressions;
using GoldenPath.Catalog;
using k8s;
using k8s.Models;

namespace GoldenPath.Kubernetes;

/// <summary>What a team's environment gets: its quota and who may edit it.</summary>
/// <param name="Team">The team (a valid name).</param>
/// <param name="Environment">The environment (a valid name).</param>
/// <param name="Cpu">The total CPU its pods may request, a Kubernetes quantity (<c>4</c>, <c>2500m</c>).</param>
/// <param name="Memory">The total memory its pods may request (<c>8Gi</c>).</param>
/// <param name="Pods">The most pods it may run.</param>
/// <param name="CostCenter">The cost center label, when the organisation charges back.</param>
/// <param name="Group">
/// The identity-provider group bound to the edit role; <c>team-{team}</c> when not set. A group name as Backstage names
/// a Group (1-63 characters from A-Z, a-z, 0-9, '-', '_' and '.', starting and ending with a letter or digit), optionally
/// after the identity provider's prefix (<c>oidc:</c>, a lowercase DNS label other than <c>system</c>, which Kubernetes
/// reserves for its own groups such as <c>system:masters</c> and <c>system:authenticated</c>).
/// </param>
internal sealed record NamespaceRequest(string Team, string Environment, string Cpu, string Memory, int Pods = 50, string? CostCenter = null, string? Group = null)
{
    /// <summary>Gets the namespace's name, <c>{team}-{environment}</c>.</summary>
    public string Namespace => $"{Team}-{Environment}";

    /// <summary>Gets the group bound to the edit role.</summary>
    public string EffectiveGroup => string.IsNullOrWhiteSpace(Group) ? $"team-{Team}" : Group;
}

/// <summary>
/// The objects that make a namespace a team's environment on the golden path: the Namespace (team,
/// environment and cost-center labels, Pod Security <c>restricted</c> enforced), a ResourceQuota, a
/// LimitRange with per-container defaults, an edit Role bound to the team's group, and a default-deny
/// NetworkPolicy with DNS egress allowed.
/// </summary>
internal static partial class NamespaceBootstrap
{
    /// <summary>
    /// The namespaces Kubernetes keeps for itself: <c>default</c> and every <c>kube-</c> one (<c>kube-system</c>,
    /// <c>kube-public</c>, <c>kube-node-lease</c>). No team's environment is ever one of them.
    /// </summary>
    public static IReadOnlyList<string> KubernetesReservedNamespaces { get; } = ["default", "kube-*"];

    /// <summary>Checks a request; returns every problem, keyed by field.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The problems; empty when the request is valid.</returns>
    public static Dictionary<string, string[]> Validate(NamespaceRequest request) => Validate(request, []);

    /// <summary>Checks a request, refusing also the namespaces a platform keeps for other uses; returns every problem, keyed by field.</summary>
    /// <param name="request">The request.</param>
    /// <param name="reservedNamespaces">
    /// Namespaces no team's environment may be (<c>cert-manager</c>), or, ending with <c>*</c>, prefixes
    /// (<c>istio-*</c>); besides <see cref="KubernetesReservedNamespaces"/>, which are always refused.
    /// </param>
    /// <returns>The problems; empty when the request is valid.</returns>
    public static Dictionary<string, string[]> Validate(NamespaceRequest request, IEnumerable<string> reservedNamespaces)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(reservedNamespaces);
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (ServiceName.Validate(request.Team) is { } team)
        {
            problems["team"] = [$"team {team}"];
        }

        if (ServiceName.Validate(request.Environment) is { } environment)
        {
            problems["environment"] = [$"environment {environment}"];
        }
        else if (problems.Count == 0 && request.Namespace.Length > ServiceName.MaxLength)
        {
            problems["environment"] = [$"the namespace '{request.Namespace}' would be longer than {ServiceName.MaxLength} characters; use a shorter team or environment name"];
        }
        else if (problems.Count == 0 && KubernetesReservedNamespaces.FirstOrDefault(r => Reserves(r, request.Namespace)) is { } kubernetes)
        {
            problems["environment"] = [$"the namespace '{request.Namespace}' is one Kubernetes keeps for itself ({string.Join(", ", KubernetesReservedNamespaces)}; matched '{kubernetes}'); choose a team and environment whose '{{team}}-{{environment}}' is not"];
        }
        else if (problems.Count == 0 && reservedNamespaces.FirstOrDefault(r => Reserves(r, request.Namespace)) is { } platform)
        {
            problems["environment"] = [$"the namespace '{request.Namespace}' is reserved on this platform for something other than a team's environment (matched '{platform}'); choose a team and environment whose '{{team}}-{{environment}}' is not"];
        }

        CheckQuantity(problems, "cpu", request.Cpu, "e.g. '4' or '2500m'");
        CheckQuantity(problems, "memory", request.Memory, "e.g. '8Gi' or '512Mi'");
        if (request.Pods is < 1 or > 10_000)
        {
            problems["pods"] = [$"pods is {request.Pods}; use a number from 1 to 10000"];
        }

        if (request.Group is { } group && CheckGroup(group) is { } groupProblem)
        {
            problems["group"] = [groupProblem];
        }

        if (request.CostCenter is { } costCenter && !IsLabelValue(costCenter))
        {
            problems["costCenter"] = [$"'{costCenter}' is not a valid label value: up to 63 characters from A-Z, a-z, 0-9, '-', '_' and '.'"];
        }

        return problems;
    }

    /// <summary>Creates the objects, in the order they must be applied.</summary>
    /// <param name="request">A valid request (see <see cref="Validate(NamespaceRequest)"/>).</param>
    /// <returns>The objects.</returns>
    /// <exception cref="ArgumentException">The request is not valid.</exception>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Create(NamespaceRequest request)
    {
        var problems = Validate(request);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems.SelectMany(p => p.Value)), nameof(request));
        }

        var ns = request.Namespace;
        var labels = new Dictionary<string, string>
        {
            ["app.kubernetes.io/managed-by"] = "goldenpath",
            ["goldenpath.dev/team"] = request.Team,
            ["goldenpath.dev/environment"] = request.Environment,
        };
        if (request.CostCenter is { } costCenter)
        {
            labels["goldenpath.dev/cost-center"] = costCenter;
        }

        var namespaceLabels = new Dictionary<string, string>(labels)
        {
            ["kubernetes.io/metadata.name"] = ns,
            ["pod-security.kubernetes.io/enforce"] = "restricted",
            ["pod-security.kubernetes.io/enforce-version"] = "latest",
            ["pod-security.kubernetes.io/warn"] = "restricted",
            ["pod-security.kubernetes.io/audit"] = "restricted",
        };

        V1ObjectMeta Meta(string name) => new() { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string>(labels) };

        return
        [
            new V1Namespace
            {
                ApiVersion = "v1",
                Kind = "Namespace",
                Metadata = new V1ObjectMeta { Name = ns, Labels = namespaceLabels },
            },
            new V1ResourceQuota
            {
                ApiVersion = "v1",
                Kind = "ResourceQuota",
                Metadata = Meta("team-quota"),
                Spec = new V1ResourceQuotaSpec
                {
                    Hard = new Dictionary<string, ResourceQuantity>
                    {
                        ["requests.cpu"] = new(request.Cpu),
                        ["requests.memory"] = new(request.Memory),
                        ["limits.memory"] = new(request.Memory),
                        ["pods"] = new(request.Pods.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                        ["services.nodeports"] = new("0"),
                        ["services.loadbalancers"] = new("0"),
                    },
                },
            },
            new V1LimitRange
            {
                ApiVersion = "v1",
                Kind = "LimitRange",
                Metadata = Meta("container-defaults"),
                Spec = new V1LimitRangeSpec
                {
                    Limits =
                    [
                        new V1LimitRangeItem
                        {
                            Type = "Container",
                            DefaultRequest = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("128Mi") },
                            DefaultProperty = new Dictionary<string, ResourceQuantity> { ["memory"] = new("256Mi") },
                            Max = new Dictionary<string, ResourceQuantity> { ["memory"] = new(request.Memory) },
                        },
                    ],
                },
            },
            new V1Role
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "Role",
                Metadata = Meta("team-edit"),
                Rules =
                [
                    new V1PolicyRule
                    {
                        ApiGroups = ["", "apps", "autoscaling", "policy", "networking.k8s.io", "batch"],
                        Resources = ["configmaps", "deployments", "statefulsets", "services", "pods", "pods/log", "horizontalpodautoscalers",
                            "poddisruptionbudgets", "networkpolicies", "jobs", "cronjobs", "serviceaccounts", "persistentvolumeclaims", "events"],
                        Verbs = ["get", "list", "watch", "create", "update", "patch", "delete"],
                    },
                    new V1PolicyRule { ApiGroups = [""], Resources = ["secrets"], Verbs = ["get", "list", "watch"] },
                ],
            },
            new V1RoleBinding
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "RoleBinding",
                Metadata = Meta("team-edit"),
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "team-edit" },
                Subjects = [new Rbacv1Subject { ApiGroup = "rbac.authorization.k8s.io", Kind = "Group", Name = request.EffectiveGroup }],
            },
            new V1NetworkPolicy
            {
                ApiVersion = "networking.k8s.io/v1",
                Kind = "NetworkPolicy",
                Metadata = Meta("default-deny"),
                Spec = new V1NetworkPolicySpec { PodSelector = new V1LabelSelector(), PolicyTypes = ["Ingress", "Egress"] },
            },
            new V1NetworkPolicy
            {
                ApiVersion = "networking.k8s.io/v1",
                Kind = "NetworkPolicy",
                Metadata = Meta("allow-dns-egress"),
                Spec = new V1NetworkPolicySpec
                {
                    PodSelector = new V1LabelSelector(),
                    PolicyTypes = ["Egress"],
                    Egress =
                    [
                        new V1NetworkPolicyEgressRule
                        {
                            To =
                            [
                                new V1NetworkPolicyPeer
                                {
                                    NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "kube-system" } },
                                    PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["k8s-app"] = "kube-dns" } },
                                },
                            ],
                            Ports = [new V1NetworkPolicyPort { Protocol = "UDP", Port = 53 }, new V1NetworkPolicyPort { Protocol = "TCP", Port = 53 }],
                        },
                    ],
                },
            },
        ];
    }

    /// <summary>Serializes the objects as multi-document YAML.</summary>
    /// <param name="objects">The objects.</param>
    /// <returns>The YAML.</returns>
    public static string ToYaml(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects) =>
        string.Join("---\n", objects.Select(o => ManifestYaml.Serialize(o).TrimEnd('\n') + "\n"));

    /// <summary>Whether a reserved entry (a name, or a prefix ending with <c>*</c>) covers a namespace.</summary>
    private static bool Reserves(string entry, string name) =>
        entry.EndsWith('*') ? name.StartsWith(entry[..^1], StringComparison.Ordinal) : string.Equals(entry, name, StringComparison.Ordinal);

    private static void CheckQuantity(Dictionary<string, string[]> problems, string field, string value, string example)
    {
        if (!KubernetesQuantity.IsValid(value))
        {
            problems[field] = [$"{field} '{(value?.Length > KubernetesQuantity.MaxLength ? value[..KubernetesQuantity.MaxLength] + "…" : value)}' is not a Kubernetes quantity; use {example} ({KubernetesQuantity.Grammar}, at most {KubernetesQuantity.MaxLength} characters)"];
            return;
        }

        try
        {
            if (new ResourceQuantity(value).ToDecimal() <= 0)
            {
                problems[field] = [$"{field} '{value}' must be a positive Kubernetes quantity, {example}"];
            }
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or OverflowException)
        {
            problems[field] = [$"{field} '{value}' is not a Kubernetes quantity; use {example}"];
        }
    }

    /// <summary>
    /// A group bound by a RoleBinding is trusted with the namespace: it must name one group of the identity provider,
    /// never one of the groups Kubernetes itself fills (<c>system:authenticated</c> is every user).
    /// </summary>
    private static string? CheckGroup(string group)
    {
        var match = GroupPattern().Match(group);
        if (!match.Success || match.Groups["name"].Length > ServiceName.MaxLength)
        {
            return $"'{group}' is not a group name: use [prefix:]name, where name has 1-63 characters from A-Z, a-z, 0-9, '-', '_' and '.' (starting and ending with a letter or digit, as Backstage names a Group) and prefix is the identity provider's group prefix, a lowercase DNS label (e.g. 'oidc:team-payments')";
        }

        return match.Groups["prefix"].Value == "system"
            ? $"'{group}' is a group Kubernetes reserves for itself ('system:' groups such as system:authenticated hold every user or the cluster's own components); bind the team's own group, e.g. 'team-payments'"
            : null;
    }

    [GeneratedRegex("^(?:(?<prefix>[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?):)?(?<name>[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)\\z", RegexOptions.CultureInvariant)]
    private static partial Regex GroupPattern();

    private static bool IsLabelValue(string value) =>
        value.Length <= 63 && (value.Length == 0 || (char.IsAsciiLetterOrDigit(value[0]) && char.IsAsciiLetterOrDigit(value[^1])
            && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')));
}
