using System.Diagnostics;
using System.Text.Json;
using GoldenPath.Kubernetes;

namespace GoldenPath.Cli.Tests;

/// <summary>
/// <c>goldenpath manifests validate</c> against a team that tries to get past it: overlays checked as built by the real
/// kubectl, annotation waivers that do not reach the host-escape checks, the platform's exceptions file, hostile YAML.
/// </summary>
public sealed class PolicyGateTests : IDisposable
{
    private const string PrivilegedPatch = """
        - target:
            kind: Deployment
            name: orders-api
          patch: |-
            - op: add
              path: /spec/template/spec/containers/0/securityContext/privileged
              value: true

        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("goldenpath-cli-gate-").FullName;

    public PolicyGateTests()
    {
        KustomizeLayout.Write(new DeploymentModel
        {
            NamespacePrefix = "team-payments",
            Workloads = [new Workload { Name = "orders-api", Owner = "team-payments", System = "shop" }],
        }, _directory);
    }

    [Fact]
    public async Task AnOverlayThatPatchesInPrivilegedFailsNamingTheOverlay()
    {
        var before = await Cli.RunAsync("manifests", "validate", _directory);
        Assert.True(before.ExitCode == ExitCodes.Success, before.Output + before.Error);

        await PatchProdAsync(PrivilegedPatch);
        var (exitCode, output, error) = await Cli.RunAsync("manifests", "validate", _directory);

        Assert.True(exitCode == ExitCodes.Failed, output + error);
        Assert.Matches(@"\nerror\s+GPK005\s+Deployment/orders-api\s+overlays/prod:[0-9]+\s+container 'orders-api': remove securityContext.privileged: true", output);
        Assert.DoesNotMatch(@"GPK005\s+\S+\s+overlays/(dev|staging)", output);
        Assert.Contains("overlays/dev, overlays/prod, overlays/staging built with kubectl kustomize", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManifestsBesideTheKustomizationsAreCheckedToo()
    {
        var loose = Path.Combine(_directory, "extra", "agent.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(loose)!);
        await File.WriteAllTextAsync(loose, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  hostPID: true\n  containers: [{name: agent, image: agent:1}]\n", TestContext.Current.CancellationToken);

        var (exitCode, output, _) = await Cli.RunAsync("manifests", "validate", _directory);

        Assert.Equal(ExitCodes.Failed, exitCode);
        Assert.Matches(@"\nerror\s+GPK006\s+Pod/agent\s+extra/agent\.yaml:1\s", output);
    }

    [Fact]
    public async Task AKustomizationFileGivenAloneIsBuiltNotSkipped()
    {
        await PatchProdAsync(PrivilegedPatch);

        var (exitCode, output, _) = await Cli.RunAsync("manifests", "validate", Path.Combine(_directory, "overlays", "prod", "kustomization.yaml"));

        Assert.Equal(ExitCodes.Failed, exitCode);
        Assert.Matches(@"\nerror\s+GPK005\s+Deployment/orders-api\s+prod:[0-9]+\s", output);
    }

    [Fact]
    public async Task AnOverlayThatWaivesPrivilegedByAnnotationStillFails()
    {
        await PatchProdAsync(PrivilegedPatch + """
            - target:
                kind: Deployment
                name: orders-api
              patch: |-
                - op: add
                  path: /metadata/annotations
                  value:
                    goldenpath.dev/waivers: "GPK005=the GPU driver needs the host's devices"

            """);

        var (exitCode, output, _) = await Cli.RunAsync("manifests", "validate", _directory, "--format", "json");

        Assert.Equal(ExitCodes.Failed, exitCode);
        using var result = JsonDocument.Parse(output);
        var privileged = Assert.Single(result.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("check").GetString() == "GPK005");
        Assert.False(privileged.GetProperty("waived").GetBoolean());
        Assert.Contains(result.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("check").GetString() == "GPK000"
            && f.GetProperty("message").GetString()!.Contains("GPK005 cannot be waived by an annotation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ThePlatformsExceptionsFileExceptsItAndEveryFormatSaysByWhichEntry()
    {
        await PatchProdAsync(PrivilegedPatch);
        var exceptions = Path.Combine(_directory, "..", Path.GetFileName(_directory) + "-exceptions.yaml");
        await File.WriteAllTextAsync(exceptions, """
            # Owned by the platform team.
            exceptions:
            - check: GPK005
              object: team-payments-prod/Deployment/orders-api
              owner: team-platform
              reason: the card terminal driver needs the host's devices (PLAT-123)
              expires: 2099-12-31
            - check: GPK006
              object: team-payments-prod/DaemonSet/legacy-agent
              owner: team-platform
              reason: the old node agent, removed in the spring
              expires: 2020-01-31
            """, TestContext.Current.CancellationToken);
        try
        {
            var table = await Cli.RunAsync("manifests", "validate", _directory, "--exceptions", exceptions);
            var json = await Cli.RunAsync("manifests", "validate", _directory, "--exceptions", exceptions, "--format", "json");
            var sarif = await Cli.RunAsync("manifests", "validate", _directory, "--exceptions", exceptions, "--format", "sarif");

            Assert.True(table.ExitCode == ExitCodes.Success, table.Output + table.Error);
            Assert.Equal([ExitCodes.Success, ExitCodes.Success], new[] { json.ExitCode, sarif.ExitCode });
            var entry = $"{Path.GetFileName(exceptions)}:3";
            Assert.Matches($@"\nexcepted\s+GPK005\s+Deployment/orders-api\s+overlays/prod:[0-9]+\s+.*\(excepted by {entry}: team-platform, until 2099-12-31: the card terminal driver", table.Output);
            Assert.Matches($@"\nexpired\s+GPK006\s+team-payments-prod/DaemonSet/legacy-agent\s+{Path.GetFileName(exceptions)}:8\s+exception expired on 2020-01-31", table.Output);

            using var result = JsonDocument.Parse(json.Output);
            var finding = Assert.Single(result.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("check").GetString() == "GPK005");
            Assert.Equal(entry, finding.GetProperty("exceptedBy").GetProperty("entry").GetString());
            Assert.Equal("team-platform", finding.GetProperty("exceptedBy").GetProperty("owner").GetString());
            var expired = Assert.Single(result.RootElement.GetProperty("expiredExceptions").EnumerateArray());
            Assert.Equal("GPK006", expired.GetProperty("check").GetString());

            using var log = JsonDocument.Parse(sarif.Output);
            var suppressed = Assert.Single(log.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray(), r => r.GetProperty("ruleId").GetString() == "GPK005");
            var suppression = suppressed.GetProperty("suppressions")[0];
            Assert.Equal("external", suppression.GetProperty("kind").GetString());
            Assert.Contains(entry, suppression.GetProperty("justification").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(exceptions);
        }
    }

    [Fact]
    public async Task AnExpiredExceptionDoesNotApply()
    {
        await PatchProdAsync(PrivilegedPatch);
        var exceptions = Path.Combine(_directory, "..", Path.GetFileName(_directory) + "-exceptions.json");
        await File.WriteAllTextAsync(exceptions, """
            {"exceptions": [{"check": "GPK005", "object": "team-payments-prod/Deployment/orders-api", "owner": "team-platform", "reason": "the card terminal driver needs the host's devices", "expires": "2026-11-30"}]}
            """, TestContext.Current.CancellationToken);
        try
        {
            var (exitCode, output, _) = await Cli.RunAsync("manifests", "validate", _directory, "--exceptions", exceptions);

            Assert.Equal(ExitCodes.Failed, exitCode);
            Assert.Matches(@"\nerror\s+GPK005\s+Deployment/orders-api\s+overlays/prod:", output);
            Assert.Matches(@"\nexpired\s+GPK005\s+team-payments-prod/Deployment/orders-api\s+\S+-exceptions\.json:1\s+exception expired on 2026-11-30", output);
        }
        finally
        {
            File.Delete(exceptions);
        }
    }

    [Fact]
    public async Task AMalformedExceptionsFileFailsWithFileAndLine()
    {
        var exceptions = Path.Combine(_directory, "..", Path.GetFileName(_directory) + "-bad.yaml");
        await File.WriteAllTextAsync(exceptions, "exceptions:\n- check: GPK005\n  object: team-payments-prod/Deployment/orders-api\n  owner: team-platform\n  reason: it needs the host's devices\n  expires: 2099-12-31\n- check: GPK500\n  object: team-payments-prod/Deployment/x\n  owner: team-platform\n  reason: a reason long enough\n  expires: 2099-12-31\n", TestContext.Current.CancellationToken);
        try
        {
            var (exitCode, output, _) = await Cli.RunAsync("manifests", "validate", _directory, "--exceptions", exceptions);

            Assert.Equal(ExitCodes.Failed, exitCode);
            Assert.Matches($@"\nerror\s+read\s+{Path.GetFileName(exceptions)}:7\s+GPK500 is not a check", output);
        }
        finally
        {
            File.Delete(exceptions);
        }
    }

    [Fact]
    public async Task AKustomizeTreeWithoutKubectlOnThePathSaysWhatToInstall()
    {
        var (exitCode, _, error) = await Cli.RunAsync(new Dictionary<string, string?> { ["PATH"] = "/nonexistent" }, "manifests", "validate", _directory);

        Assert.Equal(ExitCodes.Failed, exitCode);
        Assert.Contains("kubectl is not on PATH", error, StringComparison.Ordinal);
        Assert.Contains("install kubectl: https://kubernetes.io/docs/tasks/tools/", error, StringComparison.Ordinal);
        Assert.Contains("kubectl kustomize overlays/prod > prod.yaml", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAliasBombFailsFastWithFileAndLine()
    {
        var file = Path.Combine(_directory, "bomb.yaml");
        var bomb = new System.Text.StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\n  labels:\n    a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var level = 'b'; level <= 'j'; level++)
        {
            bomb.Append("    ").Append(level).Append(": &").Append(level).Append(" [").AppendJoin(", ", Enumerable.Repeat($"*{(char)(level - 1)}", 10)).Append("]\n");
        }

        await File.WriteAllTextAsync(file, bomb.Append("data:\n  bomb: *j\n").ToString(), TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();

        var (exitCode, output, error) = await Cli.RunAsync("manifests", "validate", file);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Equal(ExitCodes.Failed, exitCode);
        Assert.Matches(@"\nerror\s+read\s+bomb\.yaml:7\s+.*alias \*a", output);
        Assert.Empty(error);
    }

    [Theory]
    [InlineData("    ? [a, b]\n    : c\n")]
    [InlineData("    {a: 1}: x\n")]
    public async Task ANonScalarKeyIsAnErrorWithFileAndLine(string labels)
    {
        var file = Path.Combine(_directory, "keys.yaml");
        await File.WriteAllTextAsync(file, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n" + labels, TestContext.Current.CancellationToken);

        var (exitCode, output, error) = await Cli.RunAsync("manifests", "validate", file);

        Assert.Equal(ExitCodes.Failed, exitCode);
        Assert.Matches(@"\nerror\s+read\s+keys\.yaml:6\s+.*mapping key", "\n" + output);
        Assert.DoesNotContain("Exception", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKustomizationThatIncludesTheProdOverlayAndPatchesItBackDoesNotHideIt()
    {
        await PatchProdAsync(PrivilegedPatch);
        var decoy = Path.Combine(_directory, "overlays", "x", "kustomization.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(decoy)!);
        await File.WriteAllTextAsync(decoy, "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../prod\npatches:\n" +
            PrivilegedPatch.Replace("value: true", "value: false", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var (exitCode, output, error) = await Cli.RunAsync("manifests", "validate", _directory);

        Assert.True(exitCode == ExitCodes.Failed, output + error);
        Assert.Matches(@"\nerror\s+GPK005\s+Deployment/orders-api\s+overlays/prod:[0-9]+\s", output);
        Assert.DoesNotMatch(@"GPK005\s+\S+\s+overlays/x:", output);
        Assert.Contains("overlays/prod, overlays/staging, overlays/x built with kubectl kustomize", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOverlayInAHiddenFolderIsBuiltAndChecked()
    {
        var hidden = Path.Combine(_directory, ".prod", "kustomization.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(hidden)!);
        await File.WriteAllTextAsync(hidden, "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: team-payments-prod\nresources:\n- ../base\npatches:\n" + PrivilegedPatch,
            TestContext.Current.CancellationToken);

        var (exitCode, output, error) = await Cli.RunAsync("manifests", "validate", _directory);

        Assert.True(exitCode == ExitCodes.Failed, output + error);
        Assert.Matches(@"\nerror\s+GPK005\s+Deployment/orders-api\s+\.prod:[0-9]+\s", output);
    }

    [Fact]
    public async Task APodInAFileNamedLikeAKustomizationIsReadInAPlainFolder()
    {
        var folder = Path.Combine(_directory, "plain");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "kustomization.pod.yaml"),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: escape\nspec:\n  containers: [{name: x, image: x:1, securityContext: {privileged: true}}]\n", TestContext.Current.CancellationToken);

        var (exitCode, output, error) = await Cli.RunAsync("manifests", "validate", folder);

        Assert.True(exitCode == ExitCodes.Failed, output + error);
        Assert.Matches(@"\nerror\s+GPK005\s+Pod/escape\s+kustomization\.pod\.yaml:1\s", output);
    }

    [Theory]
    [InlineData("        livenessProbe: {httpGet: {port: true}}\n", 18, "whole number or a string")]
    [InlineData("        resources: {limits: {cpu: \"1x\"}}\n", 18, "'1x' is not a Kubernetes quantity")]
    [InlineData("        resources: {limits: {cpu: \"1e100000000\"}}\n", 18, "'1e100000000' is not a Kubernetes quantity")]
    [InlineData("        resources: {limits: {cpu: 1e100000000}}\n", 18, "'1e100000000' is not a Kubernetes quantity")]
    public async Task AMalformedValueFailsFastWithFileAndLine(string value, int line, string expected)
    {
        var folder = Path.Combine(_directory, "plain");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "agent.yaml"),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  containers:\n  - name: agent\n    image: agent:1\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: other\nspec:\n  containers:\n  - name: other\n    image: other:1\n".Replace(
                "  - name: other\n    image: other:1\n", "  - name: other\n    image: other:1\n" + value[4..], StringComparison.Ordinal),
            TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();

        var (exitCode, output, error) = await Cli.RunAsync("manifests", "validate", folder);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.True(exitCode == ExitCodes.Failed, output + error);
        Assert.Matches($@"\nerror\s+read\s+agent\.yaml:{line}\s+.*{System.Text.RegularExpressions.Regex.Escape(expected)}", "\n" + output);
        Assert.Empty(error);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task PatchProdAsync(string patch)
    {
        var kustomization = Path.Combine(_directory, "overlays", "prod", "kustomization.yaml");
        var text = await File.ReadAllTextAsync(kustomization, TestContext.Current.CancellationToken);
        Assert.Contains("\npatches:\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        await File.WriteAllTextAsync(kustomization, text + patch, TestContext.Current.CancellationToken);
    }
}
