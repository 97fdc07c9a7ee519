using k8s.Models;

namespace GoldenPath.Kubernetes.Tests;

/// <summary>Who may set a check aside: the object itself only for reliability and practice checks.</summary>
public sealed class WaiverTests
{
    [Fact]
    public void AnAnnotationOnTheObjectDoesNotWaivePrivileged()
    {
        var documents = Emitted();
        var deployment = documents.Select(d => d.Object).OfType<V1Deployment>().Single();
        deployment.Spec.Template.Spec.Containers[0].SecurityContext.Privileged = true;
        deployment.Metadata.Annotations = new Dictionary<string, string> { [PolicyEngine.WaiverAnnotation] = "GPK005=the GPU driver needs the host's devices" };

        var findings = PolicyEngine.Evaluate(documents);

        var privileged = Assert.Single(findings, f => f.CheckId == "GPK005");
        Assert.False(privileged.Waived);
        Assert.True(privileged.Fails);
        var refused = Assert.Single(findings, f => f.CheckId == "GPK000");
        Assert.Contains("GPK005 cannot be waived by an annotation", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--exceptions", refused.Message, StringComparison.Ordinal);
    }

    private static readonly string[] HostEscapeIds = ["GPK001", "GPK002", "GPK003", "GPK004", "GPK005", "GPK006", "GPK007", "GPK008", "GPK022", "GPK025"];

    public static TheoryData<string> HostEscapeChecks => [.. HostEscapeIds];

    [Theory]
    [MemberData(nameof(HostEscapeChecks))]
    public void NoAnnotationWaivesAHostEscapeCheck(string id)
    {
        var documents = Emitted();
        PolicyCheckFixtures.Break(id, documents);
        foreach (var document in documents)
        {
            document.Object.Metadata.Annotations = new Dictionary<string, string> { [PolicyEngine.WaiverAnnotation] = $"{id}=we know what we are doing here" };
        }

        var findings = PolicyEngine.Evaluate(documents);

        Assert.Equal(PolicyWaiver.ExceptionsFile, PolicyEngine.Checks.Single(c => c.Id == id).WaivedBy);
        Assert.True(Assert.Single(findings, f => f.CheckId == id).Fails);
    }

    [Fact]
    public void OnlyTheListedChecksNeedTheExceptionsFile()
    {
        Assert.Equal(HostEscapeIds, PolicyEngine.Checks.Where(c => c.WaivedBy == PolicyWaiver.ExceptionsFile).Select(c => c.Id));
    }

    [Fact]
    public void AnExceptionsFileEntryExceptsAPrivilegedContainerUntilItExpires()
    {
        var documents = Emitted();
        var deployment = documents.Select(d => d.Object).OfType<V1Deployment>().Single();
        deployment.Metadata.NamespaceProperty = "team-shop-prod";
        deployment.Spec.Template.Spec.Containers[0].SecurityContext.Privileged = true;
        var (exceptions, problems) = PolicyExceptions.Read("""
            exceptions:
            - check: GPK005
              object: team-shop-prod/Deployment/user-api
              owner: team-platform
              reason: the GPU driver installer needs the host's devices
              expires: 2027-03-31
            """, "exceptions.yaml");
        Assert.Empty(problems);

        var current = PolicyEngine.Evaluate(documents, exceptions, new DateOnly(2027, 3, 31));
        var expired = PolicyEngine.Evaluate(documents, exceptions, new DateOnly(2027, 4, 1));

        var excepted = Assert.Single(current, f => f.CheckId == "GPK005");
        Assert.False(excepted.Fails);
        Assert.Equal(("exceptions.yaml", 2, "team-platform"), (excepted.ExceptedBy!.File, excepted.ExceptedBy.Line, excepted.ExceptedBy.Owner));
        Assert.DoesNotContain(current, f => f.Fails);
        var failing = Assert.Single(expired, f => f.CheckId == "GPK005");
        Assert.True(failing.Fails);
        Assert.Null(failing.ExceptedBy);
    }

    [Theory]
    [InlineData("team-shop-prod/Deployment/user-api", "team-shop-prod", true)]
    [InlineData("team-shop-prod/Deployment/user-api", null, false)]
    [InlineData("team-shop-dev/Deployment/user-api", "team-shop-prod", false)]
    [InlineData("team-shop-prod/StatefulSet/user-api", "team-shop-prod", false)]
    [InlineData("team-shop-prod/Deployment/orders", "team-shop-prod", false)]
    public void AnExceptionAppliesToTheObjectItNamesOnly(string target, string? objectNamespace, bool applies)
    {
        var documents = Emitted();
        var deployment = documents.Select(d => d.Object).OfType<V1Deployment>().Single();
        deployment.Metadata.NamespaceProperty = objectNamespace;
        deployment.Spec.Template.Spec.HostNetwork = true;
        var (exceptions, problems) = PolicyExceptions.Read($"exceptions:\n- {{check: GPK006, object: {target}, owner: team-platform, reason: a node agent on the host network, expires: 2099-01-01}}\n", "exceptions.yaml");
        Assert.Empty(problems);

        var finding = Assert.Single(PolicyEngine.Evaluate(documents, exceptions, new DateOnly(2026, 12, 1)), f => f.CheckId == "GPK006");

        Assert.Equal(!applies, finding.Fails);
    }

    [Theory]
    [InlineData("object: DaemonSet/node-agent", "object 'DaemonSet/node-agent' names no namespace", "team-gpu-prod/DaemonSet/node-agent")]
    [InlineData("workload: node-agent", "workload 'node-agent' would except every object of that name in every namespace", "object: <namespace>/<Kind>/node-agent")]
    public void AnEntryWithoutANamespaceIsRefusedSoAnotherTeamsObjectOfTheSameNameStillFails(string target, string expected, string instead)
    {
        var agent = new V1DaemonSet
        {
            ApiVersion = "apps/v1",
            Kind = "DaemonSet",
            Metadata = new V1ObjectMeta { Name = "node-agent", NamespaceProperty = "team-x-prod" },
            Spec = new V1DaemonSetSpec
            {
                Selector = new V1LabelSelector(),
                Template = new V1PodTemplateSpec { Spec = new V1PodSpec { HostNetwork = true, Containers = [new V1Container { Name = "agent", Image = "agent:1" }] } },
            },
        };
        var (exceptions, problems) = PolicyExceptions.Read($"exceptions:\n- check: GPK006\n  {target}\n  owner: team-platform\n  reason: the platform's node agent on the host network\n  expires: 2099-01-01\n", "platform/exceptions.yaml");

        Assert.Empty(exceptions);
        var problem = Assert.Single(problems);
        Assert.Equal(("platform/exceptions.yaml", 3), (problem.File, problem.Line));
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
        Assert.Contains(instead, problem.Message, StringComparison.Ordinal);
        Assert.True(Assert.Single(PolicyEngine.Evaluate([new ManifestDocument(agent, "team-x.yaml", 1)], exceptions, new DateOnly(2026, 12, 1)), f => f.CheckId == "GPK006").Fails);
    }

    [Theory]
    [InlineData("exceptions:\n- check: GPK099\n  object: team-x-prod/Deployment/x\n  owner: team-platform\n  reason: a reason long enough\n  expires: 2099-01-01\n", 2, "GPK099 is not a check")]
    [InlineData("exceptions:\n- check: GPK005\n  owner: team-platform\n  reason: a reason long enough\n  expires: 2099-01-01\n", 2, "an exception names no object")]
    [InlineData("exceptions:\n- check: GPK005\n  object: team-x-prod/Deployment/x\n  owner: team-platform\n  reason: a reason long enough\n  expires: soon\n", 6, "expires 'soon' is not a date")]
    [InlineData("exceptions:\n- check: GPK005\n  object: team-x-prod/Deployment/x\n  reason: a reason long enough\n  expires: 2099-01-01\n", 2, "owner")]
    [InlineData("exceptions:\n- check: GPK005\n  object: team-x-prod/Deployment/x\n  owner: team-platform\n  reason: short\n  expires: 2099-01-01\n", 5, "reason")]
    [InlineData("exceptions:\n- check: GPK005\n  object: a/b/c/d\n  owner: team-platform\n  reason: a reason long enough\n  expires: 2099-01-01\n", 3, "namespace/Kind/name")]
    [InlineData("exceptions:\n- check: GPK005\n  object: team-x-prod/Deployment/x\n  owner: team-platform\n  reason: a reason long enough\n  expires: 2099-01-01\n  approvedBy: me\n", 7, "unknown field approvedBy")]
    [InlineData("- check: GPK005\n", 1, "a mapping with an 'exceptions' list")]
    [InlineData("exceptions:\n- check: GPK000\n  object: team-x-prod/Deployment/x\n  owner: team-platform\n  reason: a reason long enough\n  expires: 2099-01-01\n", 2, "GPK000")]
    public void AMalformedEntryIsAnErrorWithFileAndLine(string text, int line, string expected)
    {
        var (exceptions, problems) = PolicyExceptions.Read(text, "platform/exceptions.yaml");

        Assert.Empty(exceptions);
        var problem = Assert.Single(problems);
        Assert.Equal(("platform/exceptions.yaml", line), (problem.File, problem.Line));
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    private static List<ManifestDocument> Emitted()
    {
        var model = ManifestTests.Model();
        return [.. ManifestEmitter.Emit(model.Workloads[0], model).Append(ManifestEmitter.DefaultDeny()).Select(o => new ManifestDocument(o, "emitted.yaml", 1))];
    }
}
