using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Kubernetes;
using k8s;
using k8s.Models;

namespace GoldenPath.Backstage.Tests;

/// <summary>
/// The platform's catalog in a real Backstage: the platform runs as its own process (SQLite), seeded through its API with
/// team tokens; a Backstage backend with the catalog plugin and the GoldenPath module reads it; the checks go through
/// Backstage's own catalog API.
/// </summary>
public sealed class BackstageCatalogTests
{
    private const string BootstrapToken = "backstage-test-admin-token-0123456789abcdef";
    private const int RefreshSeconds = 2;

    private static readonly PlatformJsonContext Json = PlatformJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryPlatformServiceIsAComponentInBackstageThatFollowsThePlatformAndMatchesItsManifests()
    {
        var data = Directory.CreateTempSubdirectory("goldenpath-backstage-");
        try
        {
            await using var platform = await ServiceProcess.StartWebAsync(ServiceProcess.BuildOutput("platform/GoldenPath.Platform", "GoldenPath.Platform.dll"), [], new Dictionary<string, string?>
            {
                ["GoldenPath__Platform__DataDirectory"] = data.FullName,
                ["GoldenPath__Platform__BootstrapToken"] = BootstrapToken,
            });
            await platform.WaitUntilReadyAsync();
            var payments = await ClientAsync(platform, "payments", "catalog:write");
            var search = await ClientAsync(platform, "search", "catalog:write");
            var admin = Client(platform, BootstrapToken);
            (await payments.PostAsJsonAsync("/api/v1/environments", new EnvironmentRequest("payments", "prod", "4", "8Gi"), Json.EnvironmentRequest, Ct)).EnsureSuccessStatusCode();
            await PutAsync(payments, "orders", new ServiceUpsertRequest("payments", "production", "shop", Description: "Takes orders.",
                DependsOn: [new ServiceDependency("orders-db", "postgres"), new ServiceDependency("cache", "redis"), new ServiceDependency("payments-api", "service")],
                ConsumesApis: ["payments-api.payments"],
                ApiDefinitions: [Api("orders")],
                SourceLocation: "https://git.example.com/shop/orders/tree/main/", TechDocsRef: "dir:.", Template: "platform-api", TemplateVersion: "0.1.0"));
            await PutAsync(payments, "payments-api", new ServiceUpsertRequest("payments", "production", "shop", ApiDefinitions: [Api("payments")]));
            await PutAsync(search, "search", new ServiceUpsertRequest("search", "experimental", "discovery", DependsOn: [new ServiceDependency("orders", "service")]));
            var readToken = await TokenAsync(platform, "backstage", "read");
            var expected = await PlatformFeedAsync(Client(platform, readToken));

            var started = Stopwatch.StartNew();
            await using var backstage = await BackstageBackend.StartAsync(platform.Http.BaseAddress!, readToken, RefreshSeconds);
            var (entities, _) = await backstage.UntilAsync(e => expected.IsSubsetOf(e.Select(BackstageBackend.Reference)), TimeSpan.FromSeconds(90), "every entity of the platform's feed in Backstage");
            TestContext.Current.TestOutputHelper?.WriteLine($"Backstage started and held the platform's {expected.Count} entities after {started.Elapsed.TotalSeconds:F1} s");

            var ingested = entities.Where(e => expected.Contains(BackstageBackend.Reference(e))).ToList();
            Assert.Equal(expected.Order(StringComparer.Ordinal), ingested.Select(BackstageBackend.Reference).Order(StringComparer.Ordinal));
            Assert.All(ingested, e => Assert.False(e.TryGetProperty("status", out var status) && status.GetProperty("items").GetArrayLength() > 0,
                $"{BackstageBackend.Reference(e)} has processing errors: {(e.TryGetProperty("status", out var s) ? s.GetRawText() : "")}"));

            var orders = Component(ingested, "orders");
            Assert.Equal(("service", "production", "group:payments", "system:shop"), Spec(orders));
            Assert.Equal(
                ["consumesApi:api:default/payments-api.payments", "dependsOn:component:default/payments-api", "dependsOn:resource:default/orders.cache",
                 "dependsOn:resource:default/orders.orders-db", "ownedBy:group:default/payments", "partOf:system:default/shop", "providesApi:api:default/orders.orders"],
                Relations(orders).Where(r => !r.StartsWith("dependencyOf:", StringComparison.Ordinal)));
            var annotations = orders.GetProperty("metadata").GetProperty("annotations");
            Assert.Equal("orders", annotations.GetProperty("backstage.io/kubernetes-id").GetString());
            Assert.Equal("payments-prod", annotations.GetProperty("backstage.io/kubernetes-namespace").GetString());
            Assert.Equal("url:https://git.example.com/shop/orders/tree/main/", annotations.GetProperty("backstage.io/source-location").GetString());
            Assert.Equal("url:https://git.example.com/shop/orders/tree/main/", annotations.GetProperty("backstage.io/techdocs-ref").GetString());
            Assert.Equal(("platform-api", "0.1.0"), (annotations.GetProperty("goldenpath.dev/template").GetString(), annotations.GetProperty("goldenpath.dev/template-version").GetString()));
            Assert.Contains(orders.GetProperty("metadata").GetProperty("links").EnumerateArray(),
                l => l.GetProperty("url").GetString() == new Uri(platform.Http.BaseAddress!, "/api/v1/dora?service=orders").ToString());
            Assert.Equal(("service", "experimental", "group:search", "system:discovery"), Spec(Component(ingested, "search")));
            Assert.Contains("dependsOn:component:default/orders", Relations(Component(ingested, "search")));
            Assert.Contains("ownedBy:group:default/payments", Relations(ingested.Single(e => BackstageBackend.Reference(e) == "system:shop")));

            // The Kubernetes plugin finds a service's objects by the label backstage.io/kubernetes-id: every object the
            // emitter writes for the service carries the value of the entity's annotation.
            foreach (var component in ingested.Where(e => e.GetProperty("kind").GetString() == "Component"))
            {
                var name = component.GetProperty("metadata").GetProperty("name").GetString()!;
                var id = component.GetProperty("metadata").GetProperty("annotations").GetProperty("backstage.io/kubernetes-id").GetString();
                var objects = EmittedObjects(name, Spec(component).Owner["group:".Length..], Spec(component).System["system:".Length..]);
                Assert.NotEmpty(objects);
                Assert.All(objects, o => Assert.Equal(id, o.Labels.TryGetValue("backstage.io/kubernetes-id", out var label) ? label : $"(no label on the {o.Kind})"));
            }

            // The search team takes its service off the platform; an admin gives orders to another team.
            Assert.Equal(HttpStatusCode.NoContent, (await search.DeleteAsync("/api/v1/services/search", Ct)).StatusCode);
            await PutAsync(admin, "orders", new ServiceUpsertRequest("fulfilment", "production", "shop", DependsOn: [new ServiceDependency("orders-db", "postgres")]), HttpStatusCode.OK);
            // Backstage stitches each entity of a refresh on its own: the component's new owner can show before the
            // new group does. Wait for the whole feed, as the platform serves it now.
            var feedAfter = (await PlatformFeedAsync(Client(platform, readToken))).Order(StringComparer.Ordinal).ToList();
            var (after, took) = await backstage.UntilAsync(
                e => e.Where(IsFromThePlatform).Select(BackstageBackend.Reference).Order(StringComparer.Ordinal).SequenceEqual(feedAfter)
                     && e.Any(x => BackstageBackend.Reference(x) == "component:orders" && Spec(x).Owner == "group:fulfilment"),
                TimeSpan.FromSeconds(60), "the platform's feed after search left and orders moved to fulfilment");
            TestContext.Current.TestOutputHelper?.WriteLine($"Backstage followed the removal and the new owner after {took.TotalSeconds:F1} s");

            Assert.DoesNotContain(after, e => BackstageBackend.Reference(e) is "component:search" or "system:discovery");
            Assert.DoesNotContain(after, e => BackstageBackend.Reference(e) is "api:orders.orders" or "resource:orders.cache");
            Assert.Contains("ownedBy:group:default/fulfilment", Relations(Component(after, "orders")));
            Assert.Contains("group:fulfilment", feedAfter);
            Assert.Equal(feedAfter, after.Where(IsFromThePlatform).Select(BackstageBackend.Reference).Order(StringComparer.Ordinal));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task TheModulesOwnTestsPass()
    {
        await BackstageModule.BuildAsync();

        var (exitCode, output) = await BackstageModule.RunAsync("node", ["--test", "dist/test/"], TimeSpan.FromMinutes(1));

        Assert.True(exitCode == 0, $"node --test dist/test/ in integrations/backstage failed (exit {exitCode}):\n{output}");
        Assert.Contains("# fail 0", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePackedModuleHoldsItsCompiledCodeConfigSchemaAndReadmeAndNothingElse()
    {
        await BackstageModule.BuildAsync();

        var (exitCode, output) = await BackstageModule.RunAsync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], TimeSpan.FromMinutes(1));

        Assert.True(exitCode == 0, $"npm pack --dry-run in integrations/backstage failed (exit {exitCode}):\n{output}");
        var files = JsonDocument.Parse(output[output.IndexOf('[', StringComparison.Ordinal)..]).RootElement[0].GetProperty("files").EnumerateArray()
            .Select(f => f.GetProperty("path").GetString()!).ToList();
        Assert.Contains("dist/src/index.js", files);
        Assert.Contains("dist/src/index.d.ts", files);
        Assert.Contains("config.d.ts", files);
        Assert.Contains("README.md", files);
        Assert.Contains("package.json", files);
        Assert.DoesNotContain(files, f => f.StartsWith("dist/test/", StringComparison.Ordinal) || f.StartsWith("dist/dev/", StringComparison.Ordinal) || f.StartsWith("src/", StringComparison.Ordinal));
    }

    private static bool IsFromThePlatform(JsonElement entity) =>
        entity.GetProperty("metadata").TryGetProperty("annotations", out var annotations)
        && annotations.TryGetProperty("backstage.io/managed-by-location", out var location)
        && location.GetString()!.EndsWith("/api/v1/entities", StringComparison.Ordinal);

    private static JsonElement Component(IEnumerable<JsonElement> entities, string name) =>
        entities.Single(e => BackstageBackend.Reference(e) == $"component:{name}");

    private static (string Type, string Lifecycle, string Owner, string System) Spec(JsonElement component)
    {
        var spec = component.GetProperty("spec");
        return (spec.GetProperty("type").GetString()!, spec.GetProperty("lifecycle").GetString()!, spec.GetProperty("owner").GetString()!, spec.GetProperty("system").GetString()!);
    }

    private static List<string> Relations(JsonElement entity) =>
        [.. entity.GetProperty("relations").EnumerateArray().Select(r => $"{r.GetProperty("type").GetString()}:{r.GetProperty("targetRef").GetString()}").Order(StringComparer.Ordinal)];

    /// <summary>The objects the publish step's emitter writes for one service (base manifests, every kind), with their labels.</summary>
    private static List<(string Kind, IDictionary<string, string> Labels)> EmittedObjects(string name, string owner, string system)
    {
        var model = new DeploymentModel { Workloads = [new Workload { Name = name, Owner = owner, System = system }] };
        var yaml = KustomizeLayout.Render(model)[$"base/{name}/{name}.yaml"];
        var objects = KubernetesYaml.LoadAllFromString(yaml).Cast<IKubernetesObject<V1ObjectMeta>>().ToList();
        // The plugin lists pods too: the Deployment's pod template carries the label as well.
        return [.. objects.Select(o => (o.Kind, Labels(o.Metadata))),
            .. objects.OfType<V1Deployment>().Select(d => ("Pod of the Deployment", Labels(d.Spec.Template.Metadata)))];
    }

    private static IDictionary<string, string> Labels(V1ObjectMeta? metadata) => metadata?.Labels ?? new Dictionary<string, string>();

    /// <summary>What the platform's feed holds (every page), as Backstage references.</summary>
    private static async Task<HashSet<string>> PlatformFeedAsync(HttpClient reader)
    {
        var references = new HashSet<string>(StringComparer.Ordinal);
        string? next = "/api/v1/entities?limit=2";
        while (next is not null)
        {
            using var response = await reader.GetAsync(next, Ct);
            response.EnsureSuccessStatusCode();
            foreach (var entity in JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.EnumerateArray())
            {
                references.Add(BackstageBackend.Reference(entity));
            }

            next = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split(';')[0].Trim('<', '>', ' ') : null;
        }

        return references;
    }

    private static ApiDefinition Api(string name) => new(name, "openapi", $"openapi: 3.0.0\ninfo:\n  title: {name}\n  version: '1'\npaths: {{}}\n");

    private static async Task PutAsync(HttpClient client, string name, ServiceUpsertRequest request, HttpStatusCode expected = HttpStatusCode.Created)
    {
        using var response = await client.PutAsJsonAsync($"/api/v1/services/{name}", request, Json.ServiceUpsertRequest, Ct);
        Assert.True(response.StatusCode == expected, $"PUT /api/v1/services/{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private static async Task<HttpClient> ClientAsync(ServiceProcess platform, string team, params string[] scopes) =>
        Client(platform, await TokenAsync(platform, team, scopes));

    private static HttpClient Client(ServiceProcess platform, string token)
    {
        var client = new HttpClient { BaseAddress = platform.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<string> TokenAsync(ServiceProcess platform, string team, params string[] scopes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tokens")
        {
            Content = JsonContent.Create(new TokenRequest(team, scopes, "backstage test"), Json.TokenRequest),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BootstrapToken);
        using var response = await platform.Http.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return (await response.Content.ReadFromJsonAsync(Json.TokenCreated, Ct))!.Token;
    }
}
