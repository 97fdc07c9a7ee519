namespace GoldenPath.Catalog.Tests;

/// <summary>Objectives declared in catalog-info.yaml: strict reading with file and line, and the defaults by lifecycle.</summary>
public sealed class ServiceLevelObjectivesTests
{
    private static string Yaml(string lifecycle, params string[] annotations) => $"""
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: orders-api
          annotations:
            backstage.io/kubernetes-id: orders-api
        {string.Concat(annotations.Select(a => $"    {a}\n"))}spec:
          type: service
          lifecycle: {lifecycle}
          owner: team-orders
        """;

    [Fact]
    public void DeclaredObjectivesAreReadAndTheRestComesFromTheLifecycle()
    {
        var component = CatalogInfoReader.Read(Yaml("production", "goldenpath.dev/slo-availability: \"99.95\"", "goldenpath.dev/slo-latency: \"p99 < 1s\"")).OfType<ComponentEntity>().Single();

        var objectives = ServiceLevelObjectives.For(component);

        Assert.Equal(new ServiceLevelObjectives(99.95, 99, 1, 30, Declared: true), objectives);
        Assert.Equal(0.0005, objectives.AvailabilityBudget);
        Assert.Equal(0.01, objectives.LatencyBudget);
    }

    [Fact]
    public void RouteGroupsGetObjectivesOfTheirOwn()
    {
        var objectives = ServiceLevelObjectives.For(CatalogInfoReader.Read(Yaml("production",
            "goldenpath.dev/slo-routes: \"heartbeat=PUT /api/v1/services/{name}/instances/{instanceId}; catalog-reads=GET /api/v1/services/, GET /api/v1/services/{name}\"")).OfType<ComponentEntity>().Single());

        Assert.True(objectives.Declared);
        Assert.Equal(["heartbeat", "catalog-reads"], objectives.Routes.Select(r => r.Name));
        Assert.Equal("PUT", objectives.Routes[0].Method);
        Assert.Equal(["/api/v1/services/{name}/instances/{instanceId}"], objectives.Routes[0].Routes);
        Assert.Equal(["/api/v1/services/", "/api/v1/services/{name}"], objectives.Routes[1].Routes);
    }

    [Theory]
    [InlineData("production", 99.9, 95, 0.5)]
    [InlineData("experimental", 99, 90, 1)]
    [InlineData("deprecated", 99, 90, 1)]
    public void AServiceThatDeclaresNothingGetsTheDefaultsOfItsLifecycle(string lifecycle, double availability, double percent, double threshold)
    {
        var objectives = ServiceLevelObjectives.For(CatalogInfoReader.Read(Yaml(lifecycle)).OfType<ComponentEntity>().Single());

        Assert.Equal(new ServiceLevelObjectives(availability, percent, threshold, 30, Declared: false), objectives);
    }

    [Theory]
    [InlineData("goldenpath.dev/slo-availability: \"100\"", "at least 90 and below 100")]
    [InlineData("goldenpath.dev/slo-availability: \"99,9\"", "not an availability objective")]
    [InlineData("goldenpath.dev/slo-availability: \"9.9\"", "not an availability objective")]
    [InlineData("goldenpath.dev/slo-latency: \"p95 < 300ms\"", "bucket boundary of http.server.request.duration (5ms, 10ms, 25ms, 50ms, 75ms, 100ms, 250ms, 500ms")]
    [InlineData("goldenpath.dev/slo-latency: \"95% < 250ms\"", "'pNN < THRESHOLD'")]
    [InlineData("goldenpath.dev/slo-latency: \"p100 < 250ms\"", "not a latency objective")]
    [InlineData("goldenpath.dev/slo-window: \"1d\"", "use one of 7d, 14d, 28d, 30d")]
    [InlineData("goldenpath.dev/slo-availabilty: \"99.9\"", "unknown objective annotation 'goldenpath.dev/slo-availabilty'")]
    [InlineData("goldenpath.dev/slo-routes: \"reads=GET /a, PUT /b\"", "one method per group")]
    [InlineData("goldenpath.dev/slo-routes: \"Reads=GET /a\"", "not a list of route groups")]
    [InlineData("goldenpath.dev/slo-routes: \"reads=GET /a; reads=GET /b\"", "not a list of route groups")]
    [InlineData("goldenpath.dev/slo-routes: 'reads=GET /a\"} or vector(1) or {x=\"'", "not a list of route groups")]
    [InlineData("goldenpath.dev/slo-routes: \"reads=GET /a|/b\"", "not a list of route groups")]
    public void AMalformedObjectiveIsRefusedWithItsFileLineAndHowToFixIt(string annotation, string expected)
    {
        var problem = Assert.Single(Assert.Throws<CatalogValidationException>(() => CatalogInfoReader.Read(Yaml("production", annotation), "services/orders/catalog-info.yaml")).Problems);

        Assert.Equal("services/orders/catalog-info.yaml", problem.File);
        Assert.Equal(7, problem.Line);
        Assert.StartsWith("metadata.annotations.goldenpath.dev/slo-", problem.Field, StringComparison.Ordinal);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }
}
