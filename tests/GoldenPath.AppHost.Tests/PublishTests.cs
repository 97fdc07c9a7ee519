using System.Diagnostics;
using GoldenPath.Kubernetes;
using k8s.Models;

namespace GoldenPath.AppHost.Tests;

/// <summary>
/// The app host's Kubernetes publish, run exactly as CI runs it:
/// <c>dotnet run --project AppHost -- --operation publish --step publish --output-path deploy</c>.
/// </summary>
public sealed class PublishTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThePublishOutputIsTheExpectedTree()
    {
        var output = await PublishAsync();
        try
        {
            var actual = Files(output);

            // GOLDENPATH_ACCEPT=1 writes the new output into the repository (docs/kubernetes.md), to be reviewed in the diff.
            var expectedRoot = Path.Combine(AppContext.BaseDirectory, "Expected", "deploy");
            if (Environment.GetEnvironmentVariable("GOLDENPATH_ACCEPT") is "1")
            {
                var target = Path.Combine(Repository.Root, "tests", "GoldenPath.AppHost.Tests", "Expected", "deploy");
                if (Directory.Exists(target))
                {
                    Directory.Delete(target, recursive: true);
                }

                foreach (var file in actual)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, file))!);
                    File.Copy(Path.Combine(output, file), Path.Combine(target, file));
                }

                return;
            }

            var expected = Files(expectedRoot);
            Assert.True(expected.SequenceEqual(actual), $"Missing: {string.Join(", ", expected.Except(actual))}; unexpected: {string.Join(", ", actual.Except(expected))}. {Regenerate}");
            foreach (var file in expected)
            {
                var want = await File.ReadAllTextAsync(Path.Combine(expectedRoot, file), Ct);
                var got = await File.ReadAllTextAsync(Path.Combine(output, file), Ct);
                Assert.True(want == got, $"{file} differs from the expected file. {Regenerate}\n--- got:\n{got}");
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public async Task KubectlKustomizeBuildsEachOverlayAndTheResultPassesThePolicy(string environment)
    {
        var output = await PublishAsync();
        try
        {
            var kustomize = await RunAsync("kubectl", ["kustomize", Path.Combine(output, "overlays", environment)], Repository.Root);
            Assert.True(kustomize.ExitCode == 0, kustomize.Output);

            var (documents, problems) = ManifestReader.Read(kustomize.Output, $"overlays/{environment}");
            Assert.Empty(problems);
            Assert.DoesNotContain(PolicyEngine.Evaluate(documents), f => f.Fails);
            var deployments = documents.Select(d => d.Object).OfType<V1Deployment>().ToList();
            Assert.Equal(["orders-worker", "platform", "user-api"], deployments.Select(d => d.Metadata.Name).Order());
            var token = deployments.Single(d => d.Metadata.Name == "user-api").Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == "GoldenPath__Platform__Token");
            Assert.Null(token.Value);
            Assert.Equal(("goldenpath-platform-token-team-identity", "token"), (token.ValueFrom.SecretKeyRef.Name, token.ValueFrom.SecretKeyRef.Key));
            Assert.Equal(environment == "dev", documents.Any(d => d.Object is V1StatefulSet));

            // The platform is the one service every other one talks to at start: outside dev it runs as replicas on
            // different nodes that a drain or a rollout takes down one at a time (docs/operations.md).
            var platform = deployments.Single(d => d.Metadata.Name == "platform");
            var pods = platform.Spec.Selector.MatchLabels;
            Assert.True(environment == "dev" || platform.Spec.Replicas >= 2, $"the platform runs {platform.Spec.Replicas} replica(s) in {environment}");
            Assert.Contains(documents.Select(d => d.Object).OfType<V1PodDisruptionBudget>(), pdb => pdb.Metadata.Name == "platform"
                && pdb.Spec.MaxUnavailable?.Value == "1" && pdb.Spec.Selector.MatchLabels.All(l => pods.TryGetValue(l.Key, out var v) && v == l.Value));
            Assert.Contains(platform.Spec.Template.Spec.TopologySpreadConstraints, c => c.TopologyKey == "kubernetes.io/hostname"
                && c.LabelSelector.MatchLabels.All(l => pods.TryGetValue(l.Key, out var v) && v == l.Value));
            Assert.Equal("0", platform.Spec.Strategy.RollingUpdate.MaxUnavailable?.Value);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task NoWorkloadButThePlatformReferencesTheAdminTokenAndEachServiceReadsItsOwnTeamsToken()
    {
        var output = await PublishAsync();
        try
        {
            var adminReferences = Files(output)
                .Where(file => File.ReadAllText(Path.Combine(output, file)).Contains("platform-admin-token", StringComparison.Ordinal))
                .ToList();
            var (documents, problems) = ManifestReader.ReadPath(Path.Combine(output, "base"));
            var tokens = documents.Select(d => d.Object).OfType<V1Deployment>()
                .SelectMany(d => d.Spec.Template.Spec.Containers.SelectMany(c => c.Env ?? []).Where(e => e.Name.StartsWith("GoldenPath__Platform__", StringComparison.Ordinal) && e.ValueFrom?.SecretKeyRef is not null)
                    .Select(e => (Workload: d.Metadata.Name, Variable: e.Name, Secret: e.ValueFrom.SecretKeyRef.Name)))
                .Order()
                .ToList();
            var secrets = await File.ReadAllTextAsync(Path.Combine(output, "SECRETS.md"), Ct);

            Assert.Empty(problems);
            Assert.Equal(["SECRETS.md", "base/platform/platform.yaml", "goldenpath-report.md"], adminReferences);
            Assert.Equal(
                [
                    ("orders-worker", "GoldenPath__Platform__Token", "goldenpath-platform-token-team-commerce"),
                    ("platform", "GoldenPath__Platform__BootstrapToken", "platform-admin-token"),
                    ("user-api", "GoldenPath__Platform__Token", "goldenpath-platform-token-team-identity"),
                ], tokens);
            Assert.DoesNotContain(secrets.Split('\n'), line => line.Contains("platform-admin-token", StringComparison.Ordinal) && !line.Contains("| platform |", StringComparison.Ordinal));
            Assert.Contains("| `goldenpath-platform-token-team-identity` | `token` | user-api |", secrets, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task APolicyFailureFailsThePublishWithItsFindings()
    {
        var output = Directory.CreateTempSubdirectory("goldenpath-publish-").FullName;
        try
        {
            var publish = await RunPublishAsync(output, ("GoldenPath__Kubernetes__ImageTag", "latest"));

            Assert.Equal(1, publish.ExitCode);
            Assert.Contains("fail the GoldenPath policy", publish.Output, StringComparison.Ordinal);
            Assert.Contains("GPK013 Deployment/user-api", publish.Output, StringComparison.Ordinal);
            Assert.Contains("**Policy: failed", await File.ReadAllTextAsync(Path.Combine(output, "goldenpath-report.md"), Ct), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task AspirePublishFromTheToolManifestWritesTheSameTreeAsTheOperationPublish()
    {
        var viaOperation = await PublishAsync();
        var viaAspire = Directory.CreateTempSubdirectory("goldenpath-aspire-publish-").FullName;
        try
        {
            var publish = await RunAspirePublishAsync(viaAspire);

            Assert.True(publish.ExitCode == 0, publish.Output);
            Assert.Equal(Files(viaOperation), Files(viaAspire));
            foreach (var file in Files(viaOperation))
            {
                Assert.True(await File.ReadAllTextAsync(Path.Combine(viaOperation, file), Ct) == await File.ReadAllTextAsync(Path.Combine(viaAspire, file), Ct), $"{file} differs between --operation publish and aspire publish.");
            }
        }
        finally
        {
            Directory.Delete(viaOperation, recursive: true);
            Directory.Delete(viaAspire, recursive: true);
        }
    }

    [Fact]
    public async Task AspirePublishFailsWithThePolicyFindingsLikeTheOperationPublish()
    {
        var output = Directory.CreateTempSubdirectory("goldenpath-aspire-publish-").FullName;
        try
        {
            var publish = await RunAspirePublishAsync(output, ("GoldenPath__Kubernetes__ImageTag", "latest"));
            // The CLI wraps its console lines at the terminal's width.
            var said = System.Text.RegularExpressions.Regex.Replace(publish.Output, @"\s+", " ");

            Assert.NotEqual(0, publish.ExitCode);
            Assert.Contains("fail the GoldenPath policy", said, StringComparison.Ordinal);
            Assert.Contains("GPK013 Deployment/user-api", said, StringComparison.Ordinal);
            Assert.Contains("**Policy: failed", await File.ReadAllTextAsync(Path.Combine(output, "goldenpath-report.md"), Ct), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private const string Regenerate = "If the change is intended, run the tests with GOLDENPATH_ACCEPT=1 and review the diff.";

    private static async Task<string> PublishAsync()
    {
        var output = Directory.CreateTempSubdirectory("goldenpath-publish-").FullName;
        var publish = await RunPublishAsync(output);
        Assert.True(publish.ExitCode == 0, publish.Output);
        return output;
    }

    private static Task<(int ExitCode, string Output)> RunPublishAsync(string output, params (string Key, string Value)[] environment) =>
        RunAsync("dotnet", ["run", "--no-build", "--project", "AppHost", "--", "--operation", "publish", "--step", "publish", "--output-path", output], Repository.Root,
            [
                // The output must not depend on this machine's image settings.
                ("GOLDENPATH_POSTGRES_IMAGE", ""), ("GOLDENPATH_REDIS_IMAGE", ""), ("GoldenPath__Images__Registry", ""),
                .. environment,
            ]);

    /// <summary>
    /// <c>aspire publish</c>, the Aspire CLI as pinned in the repository's tool manifest (restored by ./build.sh prereqs),
    /// as the documented command and the generated pipeline run it (after the build, like the other publish tests).
    /// </summary>
    private static async Task<(int ExitCode, string Output)> RunAspirePublishAsync(string output, params (string Key, string Value)[] environment)
    {
        var publish = await RunAsync("dotnet", ["tool", "run", "aspire", "publish", "--apphost", "AppHost/GoldenPath.AppHost.csproj", "--output-path", output, "--non-interactive", "--no-build"], Repository.Root,
            [("GOLDENPATH_POSTGRES_IMAGE", ""), ("GOLDENPATH_REDIS_IMAGE", ""), ("GoldenPath__Images__Registry", ""), ("NO_COLOR", "1"), .. environment]);
        Assert.False(publish.Output.Contains("dotnet tool restore", StringComparison.Ordinal) || publish.Output.Contains("Cannot find a tool in the manifest", StringComparison.Ordinal),
            $"The Aspire CLI (Aspire.Cli in dotnet-tools.json) is missing or not restored: run ./build.sh prereqs.\n{publish.Output}");
        return publish;
    }

    private static List<string> Files(string root) =>
        [.. Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string directory, (string Key, string Value)[]? environment = null)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await stdout + await stderr);
    }
}
