using System.Diagnostics;
using k8s;
using k8s.Models;

namespace GoldenPath.Kubernetes.Tests;

public sealed class NamespaceBootstrapTests
{
    private static readonly NamespaceRequest Request = new("payments", "staging", "4", "8Gi", Pods: 40, CostCenter: "cc-1234");

    [Theory]
    [InlineData("system:authenticated", "reserves")]
    [InlineData("system:masters", "reserves")]
    [InlineData("everyone in payments", "is not a group name")]
    [InlineData("payments\n- kind: User", "is not a group name")]
    public void TheGroupBoundToTheEditRoleIsOneGroupNeverAKubernetesSystemGroup(string group, string problem)
    {
        var problems = NamespaceBootstrap.Validate(Request with { Group = group });

        Assert.Contains(problem, Assert.Single(problems["group"]), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => NamespaceBootstrap.Create(Request with { Group = group }));
        Assert.Empty(NamespaceBootstrap.Validate(Request with { Group = "oidc:Payments.EU_Admins" }));
    }

    [Fact]
    public void CreatesTheNamespaceQuotaLimitsRbacAndDefaultDenyInApplyOrder()
    {
        var objects = NamespaceBootstrap.Create(Request);

        Assert.Equal(["Namespace", "ResourceQuota", "LimitRange", "Role", "RoleBinding", "NetworkPolicy", "NetworkPolicy"], objects.Select(o => o.Kind));
        var ns = Assert.IsType<V1Namespace>(objects[0]);
        Assert.Equal("payments-staging", ns.Metadata.Name);
        Assert.Equal("payments", ns.Metadata.Labels["goldenpath.dev/team"]);
        Assert.Equal("staging", ns.Metadata.Labels["goldenpath.dev/environment"]);
        Assert.Equal("cc-1234", ns.Metadata.Labels["goldenpath.dev/cost-center"]);
        Assert.Equal("restricted", ns.Metadata.Labels["pod-security.kubernetes.io/enforce"]);
        Assert.All(objects.Skip(1), o => Assert.Equal("payments-staging", o.Metadata.NamespaceProperty));

        var quota = Assert.IsType<V1ResourceQuota>(objects[1]);
        Assert.Equal("4", quota.Spec.Hard["requests.cpu"].ToString());
        Assert.Equal("8Gi", quota.Spec.Hard["requests.memory"].ToString());
        Assert.Equal("40", quota.Spec.Hard["pods"].ToString());

        var binding = Assert.IsType<V1RoleBinding>(objects[4]);
        Assert.Equal("team-payments", Assert.Single(binding.Subjects).Name);

        var deny = Assert.IsType<V1NetworkPolicy>(objects[5]);
        Assert.Equal(["Ingress", "Egress"], deny.Spec.PolicyTypes);
        Assert.Null(deny.Spec.Ingress);
        var dns = Assert.IsType<V1NetworkPolicy>(objects[6]);
        Assert.Equal([53, 53], dns.Spec.Egress.Single().Ports.Select(p => int.Parse(p.Port.Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void TheYamlReadsBackStrictly()
    {
        var yaml = NamespaceBootstrap.ToYaml(NamespaceBootstrap.Create(Request));

        var objects = KubernetesYaml.LoadAllFromString(yaml, strict: true);

        Assert.Equal(7, objects.Count);
        Assert.IsType<V1LimitRange>(objects[2]);
    }

    [Fact]
    public async Task KubectlKustomizeBuildsTheObjects()
    {
        var directory = Directory.CreateTempSubdirectory("goldenpath-ns-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "namespace.yaml"), NamespaceBootstrap.ToYaml(NamespaceBootstrap.Create(Request)), TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(directory, "kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - namespace.yaml\n", TestContext.Current.CancellationToken);

            var (exitCode, output) = await Kubectl.RunAsync(["kustomize", directory]);

            Assert.True(exitCode == 0, output);
            Assert.Contains("name: payments-staging", output, StringComparison.Ordinal);
            Assert.Contains("kind: RoleBinding", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("Payments", "staging", "4", "8Gi", "team")]
    [InlineData("payments", "stag ing", "4", "8Gi", "environment")]
    [InlineData("payments", "staging", "four", "8Gi", "cpu")]
    [InlineData("payments", "staging", "4", "-1Gi", "memory")]
    public void RejectsBadRequestsNamingTheField(string team, string environment, string cpu, string memory, string field)
    {
        var problems = NamespaceBootstrap.Validate(new NamespaceRequest(team, environment, cpu, memory));

        Assert.Contains(field, problems.Keys);
        Assert.Throws<ArgumentException>(() => NamespaceBootstrap.Create(new NamespaceRequest(team, environment, cpu, memory)));
    }
}

public sealed class NamespaceBootstrapHostileTests
{
    private static readonly NamespaceRequest Request = new("payments", "staging", "4", "8Gi");

    [Theory]
    [InlineData("kube", "system")]
    [InlineData("kube", "public")]
    [InlineData("kube", "node-lease")]
    [InlineData("kube", "anything")]
    public void ANamespaceKubernetesKeepsForItselfIsNeverATeamsEnvironment(string team, string environment)
    {
        var problems = NamespaceBootstrap.Validate(Request with { Team = team, Environment = environment });

        Assert.Contains($"the namespace '{team}-{environment}' is one Kubernetes keeps for itself", Assert.Single(problems["environment"]), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => NamespaceBootstrap.Create(Request with { Team = team, Environment = environment }));
    }

    [Theory]
    [InlineData("cert-manager", "cert", "manager")]
    [InlineData("istio-*", "istio", "system")]
    [InlineData("istio-*", "istio", "ingress")]
    public void ANamespaceThePlatformReservesIsRefusedNamingTheEntry(string reserved, string team, string environment)
    {
        var problems = NamespaceBootstrap.Validate(Request with { Team = team, Environment = environment }, ["cert-manager", "istio-*"]);

        Assert.Contains($"matched '{reserved}'", Assert.Single(problems["environment"]), StringComparison.Ordinal);
        Assert.Empty(NamespaceBootstrap.Validate(Request with { Team = team, Environment = environment }));
        Assert.Empty(NamespaceBootstrap.Validate(Request with { Team = "certs", Environment = "manager" }, ["cert-manager", "istio-*"]));
    }

    [Theory]
    [InlineData("1e100000000")]
    [InlineData("1E100000000")]
    [InlineData("1e-100000000")]
    [InlineData("1x")]
    [InlineData("4 ")]
    [InlineData("")]
    public void AQuantityOutsideKubernetesGrammarIsRefusedFast(string quantity)
    {
        var clock = Stopwatch.StartNew();

        var problems = NamespaceBootstrap.Validate(Request with { Cpu = quantity, Memory = quantity });

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
        Assert.Contains("is not a Kubernetes quantity", Assert.Single(problems["cpu"]), StringComparison.Ordinal);
        Assert.Contains("is not a Kubernetes quantity", Assert.Single(problems["memory"]), StringComparison.Ordinal);
    }

    [Fact]
    public void AVeryLongQuantityIsRefusedAndNotEchoedInFull()
    {
        var quantity = new string('9', 10_000);

        var problem = Assert.Single(NamespaceBootstrap.Validate(Request with { Memory = quantity })["memory"]);

        Assert.InRange(problem.Length, 1, 1_000);
    }
}

internal static class Kubectl
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("kubectl", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await error);
    }
}
