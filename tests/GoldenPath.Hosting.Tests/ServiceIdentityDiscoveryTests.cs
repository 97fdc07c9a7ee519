using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace GoldenPath.Hosting.Tests;

/// <summary>The app host finds a service's catalog-info.yaml and Component by the same rule as the build.</summary>
public sealed class ServiceIdentityDiscoveryTests : IDisposable
{
    private const string Component = """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: {0}
        spec:
          type: service
          lifecycle: production
          owner: team-payments
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("goldenpath-identity-").FullName;

    [Fact]
    public async Task AWorktreesGitFileIsTheRepositoryRootSoAFileAboveItIsNeverRead()
    {
        // A worktree or a submodule has a .git file, not a folder; the catalog file above it is another repository's.
        await File.WriteAllTextAsync(Path.Combine(_root, "catalog-info.yaml"), string.Format(null, Component, "orders-api"), TestContext.Current.CancellationToken);
        var repository = Directory.CreateDirectory(Path.Combine(_root, "orders")).FullName;
        await File.WriteAllTextAsync(Path.Combine(repository, ".git"), "gitdir: ../.git/worktrees/orders\n", TestContext.Current.CancellationToken);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => GoldenPathServiceIdentity.ReadComponentAsync(Project("orders-api", repository, "src", "Orders"), TestContext.Current.CancellationToken));

        Assert.Contains("No catalog-info.yaml found for 'orders-api'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheComponentNamedLikeTheResourceIsChosenAndTheOnlyOneWhenNoneIs()
    {
        var repository = Directory.CreateDirectory(Path.Combine(_root, "shop")).FullName;
        Directory.CreateDirectory(Path.Combine(repository, ".git"));
        await File.WriteAllTextAsync(Path.Combine(repository, "catalog-info.yaml"),
            string.Format(null, Component, "orders-api") + "\n---\n" + string.Format(null, Component, "billing-api"), TestContext.Current.CancellationToken);
        var single = Directory.CreateDirectory(Path.Combine(repository, "platform")).FullName;
        await File.WriteAllTextAsync(Path.Combine(single, "catalog-info.yaml"), string.Format(null, Component, "goldenpath-platform"), TestContext.Current.CancellationToken);

        var billing = await GoldenPathServiceIdentity.ReadComponentAsync(Project("billing-api", repository, "src", "Billing"), TestContext.Current.CancellationToken);
        var platform = await GoldenPathServiceIdentity.ReadComponentAsync(Project("platform", single, "src"), TestContext.Current.CancellationToken);
        var unknown = await Assert.ThrowsAsync<InvalidOperationException>(() => GoldenPathServiceIdentity.ReadComponentAsync(Project("stock-api", repository, "src", "Stock"), TestContext.Current.CancellationToken));

        Assert.Equal("billing-api", billing.Metadata.Name);
        Assert.Equal("goldenpath-platform", platform.Metadata.Name);
        Assert.Contains("has no Component named 'stock-api'", unknown.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static ProjectResource Project(string name, params string[] folders)
    {
        var directory = Directory.CreateDirectory(Path.Combine(folders)).FullName;
        var project = new ProjectResource(name);
        project.Annotations.Add(new Metadata(Path.Combine(directory, "Service.csproj")));
        return project;
    }

    private sealed class Metadata(string path) : IProjectMetadata
    {
        public string ProjectPath { get; } = path;
    }
}
