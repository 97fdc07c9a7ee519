using System.Reflection;

namespace GoldenPath.ServiceDefaults.Tests;

public sealed class IdentityEmbeddingTests
{
    [Fact]
    public void TheBuildEmbedsTheIdentityOfCatalogInfoYamlInTheAssembly()
    {
        var metadata = typeof(IdentityEmbeddingTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Where(a => a.Key.StartsWith("GoldenPath.Service.", StringComparison.Ordinal))
            .ToDictionary(a => a.Key, a => a.Value);

        Assert.Equal("servicedefaults-tests", metadata["GoldenPath.Service.Name"]);
        Assert.Equal("team-platform", metadata["GoldenPath.Service.Owner"]);
        Assert.Equal("goldenpath", metadata["GoldenPath.Service.System"]);
        Assert.Equal("production", metadata["GoldenPath.Service.Lifecycle"]);
        Assert.StartsWith("The test suite", metadata["GoldenPath.Service.Description"], StringComparison.Ordinal);
    }
}
