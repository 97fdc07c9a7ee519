namespace GoldenPath.ServiceDefaults.Tests;

/// <summary>The build targets, run by a real <c>dotnet build</c> of a throw-away project.</summary>
public sealed class BuildIdentityTests
{
    private const string ValidComponent = """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: orders-api
        spec:
          type: service
          lifecycle: production
          owner: team-payments
        """;

    [Fact]
    public async Task AValidCatalogInfoBuilds()
    {
        var result = await BuildAsync(ValidComponent);

        Assert.True(result.ExitCode == 0, result.Output);
    }

    [Fact]
    public async Task ABadServiceNameFailsTheBuildWithGP0001AndAValidAlternative()
    {
        var result = await BuildAsync(ValidComponent.Replace("name: orders-api", "name: Orders_API", StringComparison.Ordinal));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("catalog-info.yaml(4,9): error GP0001: service name 'Orders_API' is not a lowercase RFC 1123 label (upper-case 'O' at position 1); use e.g. 'orders-api'", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANameBackstageRejectsIsAlsoGP0001()
    {
        var result = await BuildAsync(ValidComponent.Replace("name: orders-api", "name: bestell-diënst", StringComparison.Ordinal));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error GP0001: service name 'bestell-diënst' is not a lowercase RFC 1123 label", result.Output, StringComparison.Ordinal);
        Assert.Contains("use e.g. 'bestell-dienst'", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingCatalogInfoFailsTheBuildWithGP0002()
    {
        var result = await BuildAsync(catalogInfo: null);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error GP0002: No catalog-info.yaml found in", result.Output, StringComparison.Ordinal);
        Assert.Contains("GoldenPathCatalogInfo", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInvalidCatalogInfoFailsTheBuildWithGP0003AndTheField()
    {
        var result = await BuildAsync(ValidComponent.Replace("\n  owner: team-payments", "", StringComparison.Ordinal));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error GP0003: spec.owner: 'spec.owner' is required", result.Output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> BuildAsync(string? catalogInfo)
    {
        var repo = Repository.Root;
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var tasks = Path.Combine(repo, "sdk", "GoldenPath.ServiceDefaults.Build", "bin", configuration, "net10.0", "GoldenPath.ServiceDefaults.Build.dll");
        var targets = Path.Combine(repo, "sdk", "GoldenPath.ServiceDefaults", "build", "GoldenPath.ServiceDefaults.targets");
        var root = Directory.CreateTempSubdirectory("goldenpath-build-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, ".git"));
            var project = Path.Combine(root, "src", "Orders");
            Directory.CreateDirectory(project);
            await File.WriteAllTextAsync(Path.Combine(root, "Directory.Build.props"), "<Project />");
            await File.WriteAllTextAsync(Path.Combine(project, "Orders.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <GoldenPathBuildTasksAssembly>{tasks}</GoldenPathBuildTasksAssembly>
                    <GoldenPathBuildTasksOutOfProcess>true</GoldenPathBuildTasksOutOfProcess>
                  </PropertyGroup>
                  <Import Project="{targets}" />
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(project, "Orders.cs"), "namespace Orders; public static class Marker;");
            if (catalogInfo is not null)
            {
                await File.WriteAllTextAsync(Path.Combine(root, "catalog-info.yaml"), catalogInfo);
            }

            return await NativeAotTests.RunAsync("dotnet", ["build", Path.Combine(project, "Orders.csproj"), "-nologo", "-nodeReuse:false", "-clp:NoSummary"], root, TestContext.Current.CancellationToken);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
