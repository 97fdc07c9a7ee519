using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GoldenPath.Catalog;
using GoldenPath.Catalog.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// The Backstage feed's annotations and links (what Backstage's Kubernetes, TechDocs and source plugins read) and a
/// service leaving the platform, through HTTP, once against SQLite and once against PostgreSQL.
/// </summary>
public abstract class BackstageFeedTests(IPlatformStore store)
{
    private static readonly PlatformJsonContext Json = PlatformJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AComponentCarriesTheAnnotationsBackstagesPluginsReadAndLinksToItsDoraFigures()
    {
        await using var platform = await StartAsync();
        var team = Unique("team");
        var name = Unique("orders");
        var writer = platform.Client(await platform.TokenAsync(team, "catalog:write"));
        using var environment = await writer.PostAsJsonAsync("/api/v1/environments", new EnvironmentRequest(team, "prod", "4", "8Gi"), Json.EnvironmentRequest, Ct);
        Assert.Equal(HttpStatusCode.Created, environment.StatusCode);

        using var put = await writer.PutAsJsonAsync($"/api/v1/services/{name}", Service(team) with
        {
            SourceLocation = "https://git.example.com/acme/orders/tree/main",
            TechDocsRef = "dir:.",
            Template = "platform-api",
            TemplateVersion = "1.4.0",
        }, Json.ServiceUpsertRequest, Ct);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        var fromFeed = await FeedComponentAsync(platform, name);
        var fromFile = Assert.IsType<ComponentEntity>(Assert.Single(CatalogInfoReader.Read(await platform.Admin.GetStringAsync($"/api/v1/services/{name}/catalog-info.yaml", Ct))));
        foreach (var component in new[] { fromFeed, fromFile })
        {
            Assert.Equal(new Dictionary<string, string>
            {
                ["backstage.io/kubernetes-id"] = name,
                ["backstage.io/kubernetes-namespace"] = $"{team}-prod",
                ["backstage.io/source-location"] = "url:https://git.example.com/acme/orders/tree/main",
                ["backstage.io/techdocs-ref"] = "url:https://git.example.com/acme/orders/tree/main/",
                ["goldenpath.dev/managed-by"] = "goldenpath-platform",
                ["goldenpath.dev/template"] = "platform-api",
                ["goldenpath.dev/template-version"] = "1.4.0",
            }, component.Metadata.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary());
            var dora = Assert.Single(component.Metadata.Links);
            // Without GoldenPath:Platform:PublicUrl, the link points where the feed was read.
            Assert.Equal((new Uri(platform.Admin.BaseAddress!, $"/api/v1/dora?service={name}").ToString(), "DORA metrics", "dora"), (dora.Url, dora.Title, dora.Type));
        }
    }

    [Fact]
    public async Task TheNamespaceIsLeftOutWhenTheTeamHasSeveralAndThePortalLinkAppearsOnlyWhenConfigured()
    {
        await using var platform = await StartAsync(new()
        {
            ["GoldenPath:Platform:PublicUrl"] = "https://platform.example.com/",
            ["GoldenPath:Platform:PortalServiceUrl"] = "https://platform.example.com/portal/services/{name}",
        });
        var team = Unique("team");
        var name = Unique("orders");
        var writer = platform.Client(await platform.TokenAsync(team, "catalog:write"));
        foreach (var environment in new[] { "staging", "prod" })
        {
            (await writer.PostAsJsonAsync("/api/v1/environments", new EnvironmentRequest(team, environment, "4", "8Gi"), Json.EnvironmentRequest, Ct)).EnsureSuccessStatusCode();
        }

        (await writer.PutAsJsonAsync($"/api/v1/services/{name}", Service(team), Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();

        var component = await FeedComponentAsync(platform, name);
        Assert.False(component.Metadata.Annotations.ContainsKey("backstage.io/kubernetes-namespace"));
        Assert.False(component.Metadata.Annotations.ContainsKey("backstage.io/techdocs-ref"));
        Assert.Equal(
            [($"https://platform.example.com/api/v1/dora?service={name}", "dora"), ($"https://platform.example.com/portal/services/{name}", "portal")],
            component.Metadata.Links.Select(l => (l.Url, l.Type)));
    }

    [Theory]
    [InlineData("https://git.example.com/acme/orders", "dir:../payments", "techDocsRef")]
    [InlineData("https://git.example.com/acme/orders", "dir:/etc", "techDocsRef")]
    [InlineData(null, "dir:.", "techDocsRef")]
    [InlineData("https://git.example.com/acme/orders", "file:/etc/passwd", "techDocsRef")]
    [InlineData("https://git.example.com/acme/orders", "url:javascript:alert(1)", "techDocsRef")]
    [InlineData("javascript:alert(1)", null, "sourceLocation")]
    [InlineData("file:///etc/passwd", null, "sourceLocation")]
    public async Task ASourceOrDocsReferenceBackstageWouldReadOutsideTheServiceIsRefused(string? source, string? docs, string field)
    {
        await using var platform = await StartAsync();
        var team = Unique("team");
        var name = Unique("orders");
        var writer = platform.Client(await platform.TokenAsync(team, "catalog:write"));

        using var response = await writer.PutAsJsonAsync($"/api/v1/services/{name}", Service(team) with { SourceLocation = source, TechDocsRef = docs }, Json.ServiceUpsertRequest, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync(Json.PlatformProblem, Ct))!;
        Assert.Contains(field, problem.Errors!.Keys);
        Assert.False(await platform.QueryAsync(db => db.Services.AnyAsync(s => s.Name == name, Ct)));
    }

    [Fact]
    public async Task AServiceRemovedByItsTeamLeavesTheFeedWithItsResourcesAndApisButNoOtherTeamMayRemoveIt()
    {
        await using var platform = await StartAsync();
        var team = Unique("team");
        var name = Unique("orders");
        var owner = platform.Client(await platform.TokenAsync(team, "catalog:write"));
        var otherTeam = platform.Client(await platform.TokenAsync(Unique("team"), "catalog:write"));
        (await owner.PutAsJsonAsync($"/api/v1/services/{name}", Service(team) with
        {
            ApiDefinitions = [new ApiDefinition("orders-api", "openapi", "openapi: 3.0.0\ninfo:\n  title: Orders\n  version: '1'\npaths: {}\n")],
        }, Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        (await owner.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", new InstanceRegistration("1.0.0", "production", "0.1.0", ["http://10.0.0.7:8080"], new InstanceHealthUrls(null, null, null), []), Json.InstanceRegistration, Ct)).EnsureSuccessStatusCode();

        using var refused = await otherTeam.DeleteAsync($"/api/v1/services/{name}", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains($"owned by team '{team}'", (await refused.Content.ReadFromJsonAsync(Json.PlatformProblem, Ct))!.Detail, StringComparison.Ordinal);
        Assert.Equal(3, (await FeedAsync(platform)).Count(e => e.Name == name || e.Name.StartsWith($"{name}.", StringComparison.Ordinal)));

        using var removed = await owner.DeleteAsync($"/api/v1/services/{name}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.DoesNotContain(await FeedAsync(platform), e => e.Name == name || e.Name.StartsWith($"{name}.", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/v1/services/{name}", Ct)).StatusCode);
        Assert.False(await platform.QueryAsync(db => db.Instances.AnyAsync(i => i.ServiceName == name, Ct)));
        Assert.Equal(HttpStatusCode.NotFound, (await owner.DeleteAsync($"/api/v1/services/{name}", Ct)).StatusCode);
    }

    [Fact]
    public async Task ANameTakenAgainAfterItsServiceWasRemovedComesWithNoneOfTheOldServicesHistory()
    {
        await using var platform = await StartAsync();
        var (first, second, name) = (Unique("team"), Unique("team"), Unique("orders"));
        var firstTeam = platform.Client(await platform.TokenAsync(first, "catalog:write"));
        var firstCi = platform.Client(await platform.TokenAsync(first, "deployments:write"));
        (await firstTeam.PutAsJsonAsync($"/api/v1/services/{name}", Service(first), Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        var finished = new DateTimeOffset(2026, 3, 30, 12, 0, 0, TimeSpan.Zero);
        var deployment = new DeploymentEvent("d-1", name, "prod", "1.0.0", "abc123", finished.AddMinutes(-5), finished, "failure", [new DeployedCommit("abc123", finished.AddHours(-3))]);
        (await firstCi.PostAsJsonAsync("/api/v1/deployments", deployment, Json.DeploymentEvent, Ct)).EnsureSuccessStatusCode();
        (await platform.Client(await platform.TokenAsync(first, "incidents:write")).PostAsJsonAsync("/api/v1/incidents",
            new IncidentRequest(name, "prod", "Checkout errors", finished.AddMinutes(10), DeploymentId: "d-1", IncidentId: "INC-1"), Json.IncidentRequest, Ct)).EnsureSuccessStatusCode();
        (await firstTeam.DeleteAsync($"/api/v1/services/{name}", Ct)).EnsureSuccessStatusCode();

        // Another team takes the name: its first report with the same id is a new deployment, not a retry of the old
        // team's, and neither the old deployments nor the old incidents count in its DORA figures.
        var secondTeam = platform.Client(await platform.TokenAsync(second, "catalog:write"));
        (await secondTeam.PutAsJsonAsync($"/api/v1/services/{name}", Service(second), Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        using var reported = await platform.Client(await platform.TokenAsync(second, "deployments:write")).PostAsJsonAsync("/api/v1/deployments", deployment with { Outcome = "success" }, Json.DeploymentEvent, Ct);
        Assert.Equal(HttpStatusCode.Created, reported.StatusCode);
        Assert.Equal("success", Assert.Single(await platform.QueryAsync(db => db.Deployments.Where(d => d.Service == name).ToListAsync(Ct))).Outcome);
        Assert.False(await platform.QueryAsync(db => db.Incidents.AnyAsync(i => i.Service == name, Ct)), "the old team's incident stayed on the name");
    }

    [Fact]
    public async Task AServiceThatAppearsByRegistrationCarriesItsSourceDocsAndTemplateAndTheFeedFollowsWhatItsInstancesRun()
    {
        await using var platform = await StartAsync();
        var team = Unique("team");
        var name = Unique("orders");
        var service = platform.Client(await platform.TokenAsync(team, "instances:write"));
        InstanceRegistration Registration(string templateVersion, string sourceLocation = "https://git.example.com/orders/tree/main/", string docs = "dir:.") =>
            new("1.0.0", "prod", "0.1.0", ["http://10.0.0.7:8080"], new InstanceHealthUrls(null, null, null), [],
                Service: new RegisteringService(team, "production", "payments", SourceLocation: sourceLocation, TechDocsRef: docs),
                Template: "platform-api", TemplateVersion: templateVersion);

        (await service.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", Registration("0.1.0"), Json.InstanceRegistration, Ct)).EnsureSuccessStatusCode();
        var annotations = (await FeedComponentAsync(platform, name)).Metadata.Annotations;
        Assert.Equal("url:https://git.example.com/orders/tree/main/", annotations["backstage.io/source-location"]);
        Assert.StartsWith("url:https://git.example.com/orders/tree/main/", annotations["backstage.io/techdocs-ref"], StringComparison.Ordinal);
        Assert.Equal(("platform-api", "0.1.0"), (annotations["goldenpath.dev/template"], annotations["goldenpath.dev/template-version"]));

        // After an upgrade only the instances know the new version: the feed shows the oldest one still running.
        (await service.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-2", Registration("0.2.0"), Json.InstanceRegistration, Ct)).EnsureSuccessStatusCode();
        (await service.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-3", Registration("0.3.0 <b>"), Json.InstanceRegistration, Ct)).EnsureSuccessStatusCode();
        Assert.Equal("0.1.0", (await FeedComponentAsync(platform, name)).Metadata.Annotations["goldenpath.dev/template-version"]);
        (await service.DeleteAsync($"/api/v1/services/{name}/instances/i-1", Ct)).EnsureSuccessStatusCode();
        Assert.Equal("0.2.0", (await FeedComponentAsync(platform, name)).Metadata.Annotations["goldenpath.dev/template-version"]);
        Assert.Contains("goldenpath.dev/template-version: 0.2.0", await platform.Admin.GetStringAsync($"/api/v1/services/{name}/catalog-info.yaml", Ct), StringComparison.Ordinal);

        // A registration cannot point TechDocs or the source anywhere a PUT could not.
        foreach (var (source, docs, field) in new[] { ("https://git.example.com/x/", "dir:../payments", "service.techDocsRef"), ("file:///etc/", "dir:.", "service.sourceLocation") })
        {
            var other = Unique("orders");
            using var refused = await service.PutAsJsonAsync($"/api/v1/services/{other}/instances/i-1", Registration("0.1.0", source, docs), Json.InstanceRegistration, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(field, await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            Assert.False(await platform.QueryAsync(db => db.Services.AnyAsync(s => s.Name == other, Ct)));
        }
    }

    [Fact]
    public async Task TheStoreKeepsNoDeploymentIncidentOrInstanceOfAServiceItDoesNotHave()
    {
        // What closes the race of a removal with its team's own writes already past their owner check: the store itself.
        await using var platform = await StartAsync();
        var ghost = Unique("ghost");
        var now = new DateTimeOffset(2026, 3, 30, 12, 0, 0, TimeSpan.Zero);
        var refused = await platform.QueryAsync(async db =>
        {
            db.Deployments.Add(new GoldenPath.Platform.Data.DeploymentEntity { DeploymentId = "d-1", Service = ghost, Environment = "prod", Version = "1", Commit = "abc", Outcome = "success", Type = "deployment", StartedAt = now, FinishedAt = now, BodyHash = "0" });
            try
            {
                await db.SaveChangesAsync(Ct);
                return null;
            }
            catch (DbUpdateException e)
            {
                return e;
            }
        });
        Assert.True(refused is not null && GoldenPath.Platform.Domain.StoreRetry.IsForeignKeyViolation(refused), $"a deployment of a service the store does not have was stored ({refused?.InnerException?.Message})");

        var team = Unique("team");
        var name = Unique("orders");
        var owner = platform.Client(await platform.TokenAsync(team, "catalog:write"));
        (await owner.PutAsJsonAsync($"/api/v1/services/{name}", Service(team), Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        (await owner.PutAsJsonAsync($"/api/v1/services/{name}/instances/i-1", new InstanceRegistration("1.0.0", "prod", "0.1.0", ["http://10.0.0.7:8080"], new InstanceHealthUrls(null, null, null), []), Json.InstanceRegistration, Ct)).EnsureSuccessStatusCode();
        await platform.QueryAsync(db => db.Services.Where(s => s.Name == name).ExecuteDeleteAsync(Ct));
        Assert.False(await platform.QueryAsync(db => db.Instances.AnyAsync(i => i.ServiceName == name, Ct)), "the store kept an instance of a removed service");
    }

    private static async Task<ComponentEntity> FeedComponentAsync(PlatformApp platform, string name)
    {
        var component = (await FeedAsync(platform)).Single(e => e.Kind == "Component" && e.Name == name).Entity;
        // JSON is YAML: the feed's entity is read back with the catalog-info.yaml reader.
        return Assert.IsType<ComponentEntity>(Assert.Single(CatalogInfoReader.Read(component.GetRawText())));
    }

    private static async Task<List<(string Kind, string Name, JsonElement Entity)>> FeedAsync(PlatformApp platform) =>
        [.. JsonDocument.Parse(await platform.Admin.GetStringAsync("/api/v1/entities?limit=500", Ct)).RootElement.EnumerateArray()
            .Select(e => (e.GetProperty("kind").GetString()!, e.GetProperty("metadata").GetProperty("name").GetString()!, e))];

    private async Task<PlatformApp> StartAsync(Dictionary<string, string?>? settings = null) =>
        (await store.StartAsync(new FakeTimeProvider(new DateTimeOffset(2026, 3, 31, 0, 0, 0, TimeSpan.Zero)), settings)).App;

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static ServiceUpsertRequest Service(string owner) =>
        new(owner, "production", "payments", DependsOn: [new ServiceDependency("orders-db", "postgres")]);
}

public sealed class SqliteBackstageFeedTests(SqliteStore store) : BackstageFeedTests(store), IClassFixture<SqliteStore>;

public sealed class PostgresBackstageFeedTests(PostgresStore store) : BackstageFeedTests(store), IClassFixture<PostgresStore>;
