namespace GoldenPath.Kubernetes.Tests;

/// <summary>Every kind that makes pods is checked: a privileged container is found wherever its pod spec sits.</summary>
public sealed class PodTemplateKindsTests
{
    private const string PrivilegedPod = """
        spec:
          containers:
          - name: escape
            image: busybox:1.36
            securityContext:
              privileged: true
        """;

    public static TheoryData<string, string, string> PodCarriers => new()
    {
        { "v1", "Pod", PrivilegedPod },
        { "apps/v1", "Deployment", Template("spec", "selector: {matchLabels: {app: x}}") },
        { "apps/v1", "StatefulSet", Template("spec", "selector: {matchLabels: {app: x}}") },
        { "apps/v1", "DaemonSet", Template("spec", "selector: {matchLabels: {app: x}}") },
        { "apps/v1", "ReplicaSet", Template("spec", "selector: {matchLabels: {app: x}}") },
        { "v1", "ReplicationController", Template("spec", "selector: {app: x}") },
        { "v1", "PodTemplate", "template:\n  metadata: {labels: {app: x}}\n" + Indent(PrivilegedPod, 2) },
        { "batch/v1", "Job", Template("spec", null) },
        { "batch/v1", "CronJob", "spec:\n  schedule: '0 * * * *'\n  jobTemplate:\n" + Indent(Template("spec", null), 4) },
    };

    [Theory]
    [MemberData(nameof(PodCarriers))]
    public void APrivilegedContainerIsFoundInEveryKindThatMakesPods(string apiVersion, string kind, string body)
    {
        var (documents, problems) = ManifestReader.Read($"apiVersion: {apiVersion}\nkind: {kind}\nmetadata:\n  name: x\n{body}\n", "pods.yaml");

        Assert.Empty(problems);
        var finding = Assert.Single(PolicyEngine.Evaluate(documents), f => f.CheckId == "GPK005");
        Assert.True(finding.Fails);
        Assert.Equal($"{kind}/x", finding.Object);
    }

    [Theory]
    [InlineData("v1", "Pod", "spec:\n  containers: [{name: x, image: x:1}]\n")]
    [InlineData("batch/v1", "Job", "spec:\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      restartPolicy: Never\n      containers: [{name: x, image: x:1}]\n")]
    [InlineData("apps/v1", "ReplicaSet", "spec:\n  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: x, image: x:1}]\n")]
    public void PodsOfEveryKindNeedANetworkPolicy(string apiVersion, string kind, string body)
    {
        var (documents, problems) = ManifestReader.Read($"apiVersion: {apiVersion}\nkind: {kind}\nmetadata:\n  name: x\n  labels: {{app: x}}\n{body}", "pods.yaml");
        var (policy, _) = ManifestReader.Read("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: x\nspec:\n  podSelector: {matchLabels: {app: x}}\n", "policy.yaml");

        Assert.Empty(problems);
        Assert.True(Assert.Single(PolicyEngine.Evaluate(documents), f => f.CheckId == "GPK019").Fails);
        Assert.DoesNotContain(PolicyEngine.Evaluate([.. documents, .. policy]), f => f.CheckId == "GPK019");
    }

    [Theory]
    [InlineData("argoproj.io/v1alpha1", "Rollout", "spec:\n  template:\n    spec:\n      containers: [{name: escape, image: busybox:1.36, securityContext: {privileged: true}}]\n", "spec.template.spec")]
    [InlineData("example.com/v1", "Component", "spec:\n  template:\n    spec:\n      containers: [{name: escape, image: busybox:1.36, securityContext: {privileged: true}}]\n", "spec.template.spec")]
    [InlineData("example.com/v1", "Kustomization", "spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: escape, image: busybox:1.36}]\n", "spec.jobTemplate")]
    public void AnUnknownKindThatCarriesAPodTemplateIsRefusedNotSkipped(string apiVersion, string kind, string body, string where)
    {
        var (documents, problems) = ManifestReader.Read($"apiVersion: {apiVersion}\nkind: {kind}\nmetadata:\n  name: x\n{body}", "crd.yaml");

        Assert.Empty(documents);
        var problem = Assert.Single(problems);
        Assert.Equal(("crd.yaml", 1), (problem.File, problem.Line));
        Assert.Contains($"{apiVersion} {kind} is not a kind this validator knows", problem.Message, StringComparison.Ordinal);
        Assert.Contains($"pod template ({where})", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KustomizesOwnFilesAreStillLeftOut()
    {
        var (documents, problems) = ManifestReader.Read("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [a.yaml]\n---\nkind: Kustomization\nresources: [b.yaml]\n", "kustomization.yaml");

        Assert.Empty(documents);
        Assert.Empty(problems);
    }

    [Fact]
    public void EphemeralContainersAreCheckedLikeTheOthers()
    {
        var yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n"
            + "  containers: [{name: app, image: app:1, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]\n"
            + "  ephemeralContainers:\n  - name: debugger\n    image: busybox:1.36\n    securityContext: {privileged: true, runAsUser: 0, runAsNonRoot: false, capabilities: {add: [SYS_ADMIN]}}\n";
        var (documents, problems) = ManifestReader.Read(yaml, "pod.yaml");

        Assert.Empty(problems);
        var findings = PolicyEngine.Evaluate(documents);
        foreach (var id in new[] { "GPK001", "GPK002", "GPK003", "GPK005" })
        {
            Assert.Contains(findings, f => f.CheckId == id && f.Message.StartsWith("container 'debugger'", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(findings, f => f.CheckId is "GPK001" or "GPK002" or "GPK003" or "GPK005" && f.Message.StartsWith("container 'app'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("securityContext: {runAsNonRoot: true, runAsUser: 0, seccompProfile: {type: RuntimeDefault}}", "", "GPK001")]
    [InlineData("securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}", "runAsUser: 0, ", "GPK001")]
    [InlineData("securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}", "seccompProfile: {type: Unconfined}, ", "GPK004")]
    [InlineData("securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}, sysctls: [{name: kernel.shm_rmid_forced, value: '0'}, {name: kernel.core_pattern, value: '|/tmp/x'}]}", "", "GPK025")]
    [InlineData("securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}, seLinuxOptions: {type: spc_t}}", "", "GPK025")]
    [InlineData("securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}", "procMount: Unmasked, ", "GPK025")]
    [InlineData("securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}", "appArmorProfile: {type: Unconfined}, ", "GPK025")]
    [InlineData("securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}, windowsOptions: {hostProcess: true}}", "", "GPK025")]
    [InlineData("securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n  volumes: [{name: both, emptyDir: {}, hostPath: {path: /}}]", "", "GPK007")]
    public void PodAndContainerSecurityContextsAreReadTogether(string podLines, string containerFields, string expected)
    {
        var yaml = $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  {podLines}\n"
            + $"  containers: [{{name: app, image: app:1, securityContext: {{{containerFields}allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {{drop: [ALL]}}}}}}]\n";
        var (documents, problems) = ManifestReader.Read(yaml, "pod.yaml");

        Assert.Empty(problems);
        var findings = PolicyEngine.Evaluate(documents).Where(f => f.CheckId is "GPK001" or "GPK002" or "GPK003" or "GPK004" or "GPK005" or "GPK006" or "GPK007" or "GPK008" or "GPK025").ToList();
        Assert.Equal(expected, Assert.Single(findings).CheckId);
    }

    private static string Template(string key, string? extra) =>
        $"{key}:\n" + (extra is null ? "" : $"  {extra}\n") + "  template:\n    metadata: {labels: {app: x}}\n" + Indent(PrivilegedPod, 4);

    private static string Indent(string text, int spaces) =>
        string.Join('\n', text.Split('\n').Select(l => new string(' ', spaces) + l));
}
