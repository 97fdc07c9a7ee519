using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace GoldenPath.Hosting.Tests;

/// <summary>The publish step's translation of a service's environment, read from Aspire's model of references and endpoints.</summary>
public sealed class KubernetesTranslationTests : IDisposable
{
    private readonly string _repository = Directory.CreateTempSubdirectory("goldenpath-translation-").FullName;

    public KubernetesTranslationTests()
    {
        Directory.CreateDirectory(Path.Combine(_repository, ".git"));
        File.WriteAllText(Path.Combine(_repository, "catalog-info.yaml"), """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: orders-api
            spec:
              type: service
              lifecycle: production
              owner: team-payments
              system: shop
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: stock-api
            spec:
              type: service
              lifecycle: production
              owner: team-payments
              system: shop
            """);
    }

    [Fact]
    public async Task AnEndpointKeepsItsSchemeAndPortInTheClusterAndAGoldenPathServiceIsReachedOnItsService()
    {
        var builder = DistributedApplication.CreateBuilder(["--operation", "publish", "--step", "publish"]);
        var search = builder.AddContainer("search", "search", "1.0").WithHttpsEndpoint(port: 9443, targetPort: 9443, name: "https");
        var stock = Service(builder, "stock-api");
        Service(builder, "orders-api")
            .WithEnvironment("Search__Url", search.GetEndpoint("https"))
            .WithEnvironment("Search__Host", search.GetEndpoint("https").Property(EndpointProperty.HostAndPort))
            .WithEnvironment("Stock__Url", stock.GetEndpoint("http"));

        var model = await GoldenPathKubernetesPublishing.BuildModelAsync(new DistributedApplicationModel(builder.Resources), builder.ExecutionContext, builder.Configuration, TestContext.Current.CancellationToken);

        var orders = model.Workloads.Single(w => w.Name == "orders-api");
        Assert.Equal("https://search:9443", orders.Settings["Search__Url"]);
        Assert.Equal("search:9443", orders.Settings["Search__Host"]);
        Assert.Equal("http://stock-api", orders.Settings["Stock__Url"]);
        Assert.Contains(orders.Dependencies, d => d is { Name: "search", Port: 9443 });
    }

    [Fact]
    public async Task TheStepsSettingsAreReadFromItsSection()
    {
        var builder = DistributedApplication.CreateBuilder(["--operation", "publish", "--step", "publish", "--GoldenPath:Kubernetes:ImageTag=1.10", "--GoldenPath:Kubernetes:Namespace=shop"]);
        Service(builder, "orders-api");

        var model = await GoldenPathKubernetesPublishing.BuildModelAsync(new DistributedApplicationModel(builder.Resources), builder.ExecutionContext, builder.Configuration, TestContext.Current.CancellationToken);

        Assert.Equal("1.10", Assert.Single(model.Workloads).ImageTag);
        Assert.Equal("shop", model.NamespacePrefix);
    }

    public void Dispose() => Directory.Delete(_repository, recursive: true);

    private IResourceBuilder<ProjectResource> Service(IDistributedApplicationBuilder builder, string name)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_repository, "src", name)).FullName;
        var project = Path.Combine(folder, $"{name}.csproj");
        File.WriteAllText(project, "<Project Sdk=\"Microsoft.NET.Sdk.Web\" />");
        return builder.AddProject(name, project).WithGoldenPath();
    }
}
