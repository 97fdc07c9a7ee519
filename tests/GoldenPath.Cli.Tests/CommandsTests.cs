using GoldenPath.Kubernetes;
using k8s.Models;

namespace GoldenPath.Cli.Tests;

/// <summary><c>namespace render</c>, <c>catalog validate</c> and <c>doctor</c>.</summary>
public sealed class CommandsTests
{
    [Fact]
    public async Task NamespaceRenderWritesObjectsThatReadStrictly()
    {
        var (exitCode, output, _) = await Cli.RunAsync("namespace", "render", "--team", "payments", "--env", "staging", "--cpu", "8", "--memory", "16Gi", "--cost-center", "cc-42");

        Assert.Equal(ExitCodes.Success, exitCode);
        var (documents, problems) = ManifestReader.Read(output, "stdout");
        Assert.Empty(problems);
        var ns = documents.Select(d => d.Object).OfType<V1Namespace>().Single();
        Assert.Equal("payments-staging", ns.Metadata.Name);
        Assert.Equal("restricted", ns.Metadata.Labels["pod-security.kubernetes.io/enforce"]);
        Assert.Equal("8", documents.Select(d => d.Object).OfType<V1ResourceQuota>().Single().Spec.Hard["requests.cpu"].ToString());
    }

    [Fact]
    public async Task NamespaceRenderNamesTheBadOption()
    {
        var (exitCode, _, error) = await Cli.RunAsync("namespace", "render", "--team", "Payments", "--env", "staging", "--memory", "lots");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--team: team 'Payments' is not a lowercase RFC 1123 label", error, StringComparison.Ordinal);
        Assert.Contains("--memory: memory 'lots' is not a Kubernetes quantity", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kube", "system")]
    [InlineData("kube", "public")]
    public async Task NamespaceRenderRefusesANamespaceKubernetesKeepsForItself(string team, string environment)
    {
        var (exitCode, output, error) = await Cli.RunAsync("namespace", "render", "--team", team, "--env", environment);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Empty(output);
        Assert.Contains($"--env: the namespace '{team}-{environment}' is one Kubernetes keeps for itself", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamespaceRenderRefusesAHugeExponentFast()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var (exitCode, _, error) = await Cli.RunAsync("namespace", "render", "--team", "payments", "--env", "staging", "--cpu", "1e100000000");

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--cpu: cpu '1e100000000' is not a Kubernetes quantity", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: orders-api", 0, "Component orders-api (owner team-payments, system shop, lifecycle production)")]
    [InlineData("name: Orders_API", 1, "metadata.name: service name 'Orders_API' is not a lowercase RFC 1123 label")]
    [InlineData("name: orders-api\ncolour: blue", 1, "catalog-info.yaml(5,1): ")]
    public async Task CatalogValidate(string nameLine, int expectedExitCode, string expected)
    {
        var directory = Directory.CreateTempSubdirectory("goldenpath-cli-").FullName;
        var file = Path.Combine(directory, "catalog-info.yaml");
        await File.WriteAllTextAsync(file, $"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  {nameLine}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-payments\n  system: shop\n", TestContext.Current.CancellationToken);
        try
        {
            var (exitCode, output, _) = await Cli.RunAsync("catalog", "validate", file);

            Assert.True(expectedExitCode == exitCode, output);
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task CatalogValidateOfAMissingFileIsAUsageError()
    {
        var (exitCode, _, error) = await Cli.RunAsync("catalog", "validate", "/nonexistent/catalog-info.yaml");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("no file at '/nonexistent/catalog-info.yaml'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DoctorSaysWhatIsMissingAndHowToGetIt()
    {
        var empty = Directory.CreateTempSubdirectory("goldenpath-path-").FullName;
        try
        {
            var (exitCode, output, _) = await Cli.RunAsync(new Dictionary<string, string?> { ["PATH"] = empty }, "doctor");

            Assert.Equal(ExitCodes.Failed, exitCode);
            Assert.Contains("MISSING  dotnet   .NET SDK 10 (build, test, publish): not found on PATH; install the .NET 10 SDK", output, StringComparison.Ordinal);
            Assert.Contains("MISSING  kubectl", output, StringComparison.Ordinal);
            Assert.Contains("4 thing(s) missing.", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task DoctorFindsTheToolsOfThisMachine()
    {
        var (_, output, _) = await Cli.RunAsync("doctor");

        Assert.Contains("ok       dotnet   .NET SDK 10 (build, test, publish): 10.", output, StringComparison.Ordinal);
        Assert.Contains("ok       git ", output, StringComparison.Ordinal);
        Assert.Contains("ok       kubectl ", output, StringComparison.Ordinal);
    }
}
