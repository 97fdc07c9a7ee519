namespace GoldenPath.Catalog.Tests;

public sealed class CatalogInfoReaderTests
{
    private const string Component = """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: orders-api
          description: Takes and tracks orders.
          labels:
            tier: backend
          annotations:
            backstage.io/kubernetes-id: orders-api
            goldenpath.dev/template: platform-api@0.1.0
          tags: [dotnet, http]
          links:
            - url: https://grafana.example.com/d/orders
              title: Dashboard
        spec:
          type: service
          lifecycle: production
          owner: team-payments
          system: payments
          providesApis: [orders-api]
          dependsOn: [resource:orders-db]
        """;

    [Fact]
    public void ReadsAComponentWithEveryField()
    {
        var entity = Assert.IsType<ComponentEntity>(Assert.Single(CatalogInfoReader.Read(Component)));

        Assert.Equal("orders-api", entity.Metadata.Name);
        Assert.Equal("Takes and tracks orders.", entity.Metadata.Description);
        Assert.Equal("backend", entity.Metadata.Labels["tier"]);
        Assert.Equal("orders-api", entity.Metadata.Annotations["backstage.io/kubernetes-id"]);
        Assert.Equal(["dotnet", "http"], entity.Metadata.Tags);
        Assert.Equal(new EntityLink("https://grafana.example.com/d/orders", "Dashboard"), Assert.Single(entity.Metadata.Links));
        Assert.Equal(("service", "production", "team-payments", "payments"), (entity.Spec.Type, entity.Spec.Lifecycle, entity.Spec.Owner, entity.Spec.System));
        Assert.Equal(["resource:orders-db"], entity.Spec.DependsOn);
        Assert.Equal(new EntityRef("component", "default", "orders-api"), entity.Ref);
    }

    [Fact]
    public void TheIdentityOfAComponentTakesTheOwnerAsSystemWhenNoneIsSet()
    {
        var yaml = Component.Replace("  system: payments\n", "", StringComparison.Ordinal).Replace("owner: team-payments", "owner: group:default/team-payments", StringComparison.Ordinal);
        var component = Assert.IsType<ComponentEntity>(Assert.Single(CatalogInfoReader.Read(yaml)));

        var identity = ServiceIdentity.FromComponent(component);

        Assert.Equal(new ServiceIdentity("orders-api", "team-payments", "team-payments", "production", "Takes and tracks orders."), identity);
    }

    [Fact]
    public void ReadsEveryDocumentOfAMultiDocumentFile()
    {
        var yaml = Component + """

            ---
            apiVersion: backstage.io/v1alpha1
            kind: API
            metadata:
              name: orders-api
            spec:
              type: openapi
              lifecycle: production
              owner: team-payments
              definition: |
                openapi: 3.0.0
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Resource
            metadata:
              name: orders-db
            spec:
              type: database
              owner: team-payments
            ---
            apiVersion: backstage.io/v1alpha1
            kind: System
            metadata:
              name: payments
            spec:
              owner: team-payments
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata:
              name: team-payments
            spec:
              type: team
              children: []
            """;

        var entities = CatalogInfoReader.Read(yaml);

        Assert.Equal(["Component", "API", "Resource", "System", "Group"], entities.Select(e => e.Kind));
        Assert.Equal("openapi: 3.0.0\n", Assert.IsType<ApiEntity>(entities[1]).Spec.Definition);
    }

    [Theory]
    [InlineData("  owner: team-payments\n", "", "(16,3): spec.owner: 'spec.owner' is required")]
    [InlineData("  lifecycle: production\n", "", "spec.lifecycle: 'spec.lifecycle' is required")]
    [InlineData("kind: Component", "kind: Service", "(2,7): kind: 'Service' is not a kind GoldenPath reads")]
    [InlineData("kind: Component", "kind: component", "'component' is not a kind GoldenPath reads; use Component, API, Resource, System or Group (kinds are case-sensitive)")]
    [InlineData("backstage.io/v1alpha1", "backstage.io/v2", "apiVersion: 'backstage.io/v2' is not an API version of the Backstage catalog")]
    [InlineData("name: orders-api", "name: orders api!", "(4,9): metadata.name: 'orders api!' is not a valid entity name")]
    [InlineData("name: orders-api", "name: 1234", "metadata.name: 'metadata.name' must be a string, but YAML reads 1234 as a number; quote it: \"1234\"")]
    [InlineData("tags: [dotnet, http]", "tags: [dotnet, HTTP]", "metadata.tags[1]: 'HTTP' is not a valid tag")]
    [InlineData("tags: [dotnet, http]", "tags: dotnet", "metadata.tags: 'metadata.tags' must be a list")]
    [InlineData("tier: backend", "tier: back end", "metadata.labels.tier: 'back end' is not a valid label value")]
    [InlineData("backstage.io/kubernetes-id", "Backstage.IO/kubernetes-id", "has an invalid prefix 'Backstage.IO'")]
    [InlineData("url: https://grafana.example.com/d/orders", "url: grafana", "metadata.links[0].url: 'grafana' is not an absolute URL")]
    [InlineData("dependsOn: [resource:orders-db]", "dependsOn: [resource:orders/db/x]", "spec.dependsOn[0]: 'resource:orders/db/x' is not a valid entity reference")]
    [InlineData("  type: service\n", "  type: [service]\n", "spec.type: 'spec.type' must be a string, not a list")]
    public void RejectsWhatBackstageRejectsWithTheFieldAndPosition(string find, string replace, string expected)
    {
        var yaml = Component.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(Component, yaml);

        var error = Assert.Throws<CatalogValidationException>(() => CatalogInfoReader.Read(yaml));

        Assert.Contains(error.Problems, p => p.ToString().Contains(expected, StringComparison.Ordinal));
        Assert.All(error.Problems, p => Assert.Equal("catalog-info.yaml", p.File));
    }

    [Fact]
    public void RejectsADuplicateKeyWithItsLine()
    {
        var yaml = Component.Replace("  lifecycle: production\n", "  lifecycle: production\n  lifecycle: experimental\n", StringComparison.Ordinal);

        var problem = Assert.Single(Assert.Throws<CatalogValidationException>(() => CatalogInfoReader.Read(yaml, "services/orders/catalog-info.yaml")).Problems);

        Assert.Equal("services/orders/catalog-info.yaml", problem.File);
        Assert.Equal(18, problem.Line);
        Assert.Contains("not valid YAML", problem.Message, StringComparison.Ordinal);
        Assert.Contains("lifecycle", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsUnknownRootFieldsAndAGroupWithoutChildren()
    {
        const string yaml = """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            owner: someone
            metadata:
              name: team-payments
            spec:
              type: team
            """;

        var problems = Assert.Throws<CatalogValidationException>(() => CatalogInfoReader.Read(yaml)).Problems.Select(p => p.ToString()).ToList();

        Assert.Contains(problems, p => p.Contains("(3,1): owner: unknown root field 'owner'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("spec.children: 'spec.children' is required for a Group", StringComparison.Ordinal));
    }

    [Fact]
    public void ReportsProblemsOfEachDocumentWithItsNumber()
    {
        var yaml = Component + "\n---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: payments\nspec: {}\n";

        var problem = Assert.Single(Assert.Throws<CatalogValidationException>(() => CatalogInfoReader.Read(yaml)).Problems);

        Assert.Equal("[1].spec.owner", problem.Field);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing here\n")]
    public void RejectsAFileWithNoEntity(string yaml) =>
        Assert.Contains("holds no entity", Assert.Throws<CatalogValidationException>(() => CatalogInfoReader.Read(yaml)).Message, StringComparison.Ordinal);

    [Fact]
    public async Task ReadsAFileAndReportsItsPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"catalog-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, Component.Replace("owner: team-payments", "owner: ''", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        try
        {
            var error = await Assert.ThrowsAsync<CatalogValidationException>(() => CatalogInfoReader.ReadFileAsync(path, TestContext.Current.CancellationToken));

            Assert.StartsWith($"{path}(", error.Message, StringComparison.Ordinal);
            Assert.Contains("'spec.owner' must not be empty", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
