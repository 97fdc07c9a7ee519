using GoldenPath.Catalog;
using GoldenPath.Catalog.Client;

namespace GoldenPath.Platform.Contracts.Tests;

/// <summary>
/// What the contracts package promises: the API's request and response types, the client, and the few rules a caller
/// of the API needs. Settings keys shared by the SDK's own packages are not among them.
/// </summary>
public sealed class PublicSurfaceTests
{
    [Fact]
    public void OnlyTheContractsTheClientAndTheRulesOfTheApiArePublic()
    {
        string[] rules = [typeof(ServiceName).FullName!, typeof(DeploymentEnvironments).FullName!, typeof(ReleaseVersion).FullName!, typeof(EntityLink).FullName!];

        var others = typeof(PlatformClient).Assembly.GetExportedTypes()
            .Where(t => t.Namespace is not ("GoldenPath.Catalog.Contracts" or "GoldenPath.Catalog.Client"))
            .Select(t => t.FullName!)
            .Order(StringComparer.Ordinal);

        Assert.Equal(rules.Order(StringComparer.Ordinal), others);
    }
}
