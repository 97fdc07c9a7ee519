using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GoldenPath.Catalog;
using GoldenPath.Catalog.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// What one tenant may not do to the others' writes and reads, through HTTP as a hostile tenant would try it, once on
/// SQLite and once on PostgreSQL.
/// </summary>
public abstract class TenantLimitsTests(IPlatformStore store)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 31, 0, 0, 0, TimeSpan.Zero);

    private static readonly PlatformJsonContext Json = PlatformJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every write request with every text field set: (method, path, body).</summary>
    private static IEnumerable<(HttpMethod Method, string Path, JsonObject Body)> EveryWrite(string service, string deploymentId, string incidentId) =>
    [
        (HttpMethod.Put, $"/api/v1/services/{service}", Body(new ServiceUpsertRequest("team-a", "production", "payments", "service", "Takes orders.", ["dotnet"],
            [new EntityLink("https://grafana.example.com/d/orders", "Dashboard", "dashboard", "dashboard")], ["orders-api"], ["stock-api"],
            [new ServiceDependency("orders-db", "postgres")], [new ApiDefinition("orders-api", "openapi", "openapi: 3.0.0")]), Json.ServiceUpsertRequest)),
        (HttpMethod.Put, $"/api/v1/services/{service}/instances/i-1", Body(Registration() with { Commit = "abc1234", Dependencies = [new ServiceDependency("orders-db", "postgres")] }, Json.InstanceRegistration)),
        (HttpMethod.Post, "/api/v1/deployments", Body(new DeploymentEvent($"{deploymentId}-2", service, "production", "1.0.1", "abc1234", Now.AddHours(-1), Now.AddMinutes(-55), "success",
            [new DeployedCommit("abc1234", Now.AddHours(-2))], "rollback", deploymentId, new PolicyResult(true, 0, 0), "https://ci.example.com/runs/1"), Json.DeploymentEvent)),
        (HttpMethod.Post, "/api/v1/incidents", Body(new IncidentRequest(service, "production", "Checkout errors", Now.AddMinutes(-30), $"{incidentId}-2", "sev2", deploymentId), Json.IncidentRequest)),
        (HttpMethod.Patch, $"/api/v1/incidents/{incidentId}", Body(new IncidentPatch("Checkout errors", "sev1", deploymentId), Json.IncidentPatch)),
        (HttpMethod.Post, "/api/v1/environments", Body(new EnvironmentRequest("team-a", "staging", "4", "8Gi", 40, "cc-1", "team-a-devs"), Json.EnvironmentRequest)),
        (HttpMethod.Post, "/api/v1/tokens", Body(new TokenRequest("team-a", ["read"], "orders CI", Now.AddDays(1)), Json.TokenRequest)),
    ];

    [Fact]
    public async Task AControlCharacterInAnyTextFieldOfAnyWriteIsRefusedWithTheFieldNamed()
    {
        await using var platform = await StartAsync(new() { ["GoldenPath:Platform:WriteBurst"] = "100000" });
        var (service, deploymentId, incidentId) = await SeedAsync(platform);
        var refusals = new List<string>();
        var services = await platform.ServicesOfAsync("team-a");

        foreach (var (method, path, body) in EveryWrite(service, deploymentId, incidentId))
        {
            var client = path.Contains("/instances/", StringComparison.Ordinal) ? services : platform.Admin;
            foreach (var (field, _) in Strings(body))
            {
                foreach (var control in new[] { "\u0000", "\u001b[2J", "\u007f", "\u0085" })
                {
                    var bad = Mutate(body, field, s => s[..1] + control + s[1..]);
                    using var response = await SendAsync(client, method, path, bad);
                    var problem = await ProblemAsync(response);
                    if (response.StatusCode != HttpStatusCode.BadRequest || problem.Errors?.ContainsKey(field) != true
                        || !problem.Errors[field].Any(e => e.Contains($"U+{(int)control[0]:X4}", StringComparison.Ordinal)))
                    {
                        refusals.Add($"{method} {path} {field} with U+{(int)control[0]:X4}: {(int)response.StatusCode} {problem.Detail}");
                    }
                }
            }
        }

        Assert.Empty(refusals);
        Assert.Equal(0, await platform.QueryAsync(db => db.Instances.CountAsync(i => i.ServiceName == service, Ct)));
    }

    [Fact]
    public async Task OnlyDescriptionsAndApiDefinitionsSpanLinesAndNoOtherFieldTakesALineBreak()
    {
        await using var platform = await StartAsync();
        var (service, deploymentId, incidentId) = await SeedAsync(platform);
        var everyWrite = EveryWrite(service, deploymentId, incidentId).ToList();
        var upsert = everyWrite[0].Body;

        var multiLine = Mutate(Mutate(upsert, "description", _ => "Takes orders.\r\n\tAnd ships them."), "apiDefinitions[0].definition", _ => "openapi: 3.0.0\ninfo:\n\ttitle: x\n");
        using var accepted = await SendAsync(platform.Admin, HttpMethod.Put, everyWrite[0].Path, multiLine);
        using var title = await SendAsync(platform.Admin, everyWrite[3].Method, everyWrite[3].Path, Mutate(everyWrite[3].Body, "title", _ => "Checkout errors\nsev1: page everyone"));
        using var version = await SendAsync(await platform.ServicesOfAsync("team-a"), everyWrite[1].Method, everyWrite[1].Path, Mutate(everyWrite[1].Body, "version", _ => "1.0.0\r\n"));
        using var surrogate = await platform.Admin.PutAsync(everyWrite[0].Path,
            new StringContent(upsert.ToJsonString().Replace("Takes orders.", "Takes \\ud800 orders.", StringComparison.Ordinal), Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("Takes orders.\r\n\tAnd ships them.", (await platform.Admin.GetFromJsonAsync($"/api/v1/services/{service}", Json.ServiceDescription, Ct))!.Description);
        Assert.Equal(HttpStatusCode.BadRequest, title.StatusCode);
        Assert.Contains("U+000A at position 15", Assert.Single((await ProblemAsync(title)).Errors!["title"]), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, version.StatusCode);
        Assert.Contains("version", (await ProblemAsync(version)).Errors!.Keys);
        Assert.Equal(HttpStatusCode.BadRequest, surrogate.StatusCode);
        Assert.Contains("not valid Unicode", Assert.Single((await ProblemAsync(surrogate)).Errors!["description"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AControlCharacterInAPathOrQueryIsRefusedBeforeItReachesTheStore()
    {
        await using var platform = await StartAsync();
        var (service, _, _) = await SeedAsync(platform);

        var urls = new[]
        {
            $"/api/v1/services?owner=team%00a", $"/api/v1/services?after=a%00", $"/api/v1/services/{service}%00", $"/api/v1/deployments?service={service}%00",
            "/api/v1/incidents/inc%00-1", "/api/v1/environments/team-a/prod%00", $"/api/v1/scorecards/{service}%1b",
        };
        foreach (var url in urls)
        {
            using var response = await platform.Admin.GetAsync(url, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        }

        using var write = await (await platform.ServicesOfAsync("team-a")).PutAsJsonAsync($"/api/v1/services/{service}/instances/i%00-1", Registration(), Json.InstanceRegistration, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, write.StatusCode);
    }

    [Fact]
    public async Task OneTeamsBadHeartbeatIsRefusedAloneWhileOtherTeamsHeartbeatsGoThrough()
    {
        await using var platform = await StartAsync();
        var honest = platform.Client(await platform.TokenAsync("team-honest", "catalog:write"));
        var hostile = platform.Client(await platform.TokenAsync("team-hostile", "catalog:write"));
        var honestService = Unique("honest");
        var hostileService = Unique("hostile");
        (await honest.PutAsJsonAsync($"/api/v1/services/{honestService}", Service("team-honest"), Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        (await hostile.PutAsJsonAsync($"/api/v1/services/{hostileService}", Service("team-hostile"), Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        (await hostile.PutAsJsonAsync($"/api/v1/services/{hostileService}/instances/bad", Registration(), Json.InstanceRegistration, Ct)).EnsureSuccessStatusCode();
        for (var i = 0; i < 40; i++)
        {
            (await honest.PutAsJsonAsync($"/api/v1/services/{honestService}/instances/i-{i}", Registration(), Json.InstanceRegistration, Ct)).EnsureSuccessStatusCode();
        }

        for (var round = 0; round < 3; round++)
        {
            var bad = Enumerable.Range(0, 5).Select(_ => hostile.PutAsJsonAsync($"/api/v1/services/{hostileService}/instances/bad", Registration() with { Version = "1.0\u0000" }, Json.InstanceRegistration, Ct));
            var good = Enumerable.Range(0, 40).Select(i => honest.PutAsJsonAsync($"/api/v1/services/{honestService}/instances/i-{i}", Registration() with { Version = $"2.0.{round}" }, Json.InstanceRegistration, Ct));
            var responses = await Task.WhenAll(bad.Concat(good));

            Assert.All(responses.Take(5), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
            Assert.All(responses.Skip(5), r => Assert.True(r.StatusCode == HttpStatusCode.OK, $"{(int)r.StatusCode}: {r.Content.ReadAsStringAsync(Ct).Result}"));
        }

        var stored = await platform.QueryAsync(db => db.Instances.Where(i => i.ServiceName == honestService).Select(i => i.Version).ToListAsync(Ct));
        Assert.Equal(Enumerable.Repeat("2.0.2", 40), stored);
    }

    [Fact]
    public async Task LinksAreOnlyHttpOrHttpsAddresses()
    {
        await using var platform = await StartAsync();
        var name = Unique("linked");

        var refused = new List<string>();
        foreach (var url in new[] { "javascript:alert(document.cookie)", "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd", "ftp://files.example.com/x", "/relative/path", "vbscript:msgbox(1)" })
        {
            using var response = await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a") with { Links = [new EntityLink("https://ok.example.com"), new EntityLink(url, "Click")] }, Json.ServiceUpsertRequest, Ct);
            if (response.StatusCode != HttpStatusCode.BadRequest || (await ProblemAsync(response)).Errors?.ContainsKey("links[1].url") != true)
            {
                refused.Add($"{url}: {(int)response.StatusCode}");
            }
        }

        using var https = await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a") with { Links = [new EntityLink("https://grafana.example.com/d/orders", "Dashboard"), new EntityLink("http://wiki.example.com/orders")] }, Json.ServiceUpsertRequest, Ct);
        Assert.Empty(refused);
        Assert.Equal(HttpStatusCode.Created, https.StatusCode);
    }

    [Fact]
    public async Task AServiceRegistersNoMoreLiveInstancesThanTheCapWhileItsLiveOnesKeepBeatingAndOthersAreUntouched()
    {
        await using var platform = await StartAsync(new() { ["GoldenPath:Platform:MaxLiveInstancesPerService"] = "3" });
        var client = platform.Client(await platform.TokenAsync("team-a", "catalog:write"));
        var name = Unique("capped");
        var other = Unique("neighbour");
        await client.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
        await client.PutAsJsonAsync($"/api/v1/services/{other}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
        Task<HttpResponseMessage> Put(string service, string id) => client.PutAsJsonAsync($"/api/v1/services/{service}/instances/{id}", Registration(), Json.InstanceRegistration, Ct);

        Assert.All(await Task.WhenAll(Put(name, "i-1"), Put(name, "i-2"), Put(name, "i-3")), r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        using var fourth = await Put(name, "i-4");
        Assert.Equal(HttpStatusCode.Conflict, fourth.StatusCode);
        var detail = (await ProblemAsync(fourth)).Detail!;
        Assert.Contains("3 live instances", detail, StringComparison.Ordinal);
        Assert.Contains("GoldenPath:Platform:MaxLiveInstancesPerService", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Put(name, "i-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Put(other, "i-1")).StatusCode);

        // Expired instances do not count; an expired instance that comes back counts as a new one.
        platform.Time.Advance(TimeSpan.FromSeconds(91));
        Assert.Equal(HttpStatusCode.Created, (await Put(name, "i-4")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Put(name, "i-5")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Put(name, "i-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Put(name, "i-2")).StatusCode);
        Assert.Equal(["i-1", "i-4", "i-5"], (await client.GetFromJsonAsync($"/api/v1/services/{name}", Json.ServiceDescription, Ct))!.Instances.Select(i => i.InstanceId));
    }

    [Fact]
    public async Task ReadsNeverLoadExpiredInstances()
    {
        await using var platform = await StartAsync();
        var name = Unique("churned");
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
        (await (await platform.ServicesOfAsync("team-a")).PutAsJsonAsync($"/api/v1/services/{name}/instances/live", Registration(), Json.InstanceRegistration, Ct)).EnsureSuccessStatusCode();

        // An expired row that cannot even be read back: a read that loads it fails; one that filters it in the store does not.
        await platform.QueryAsync(db => db.Database.ExecuteSqlRawAsync(
            "INSERT INTO instances (\"ServiceName\", \"InstanceId\", \"Version\", \"Environment\", \"SdkVersion\", \"Endpoints\", \"Dependencies\", \"TelemetryConfigured\", \"RegisteredAt\", \"LastHeartbeatAt\", \"ExpiresAt\") " +
            "SELECT \"ServiceName\", 'expired', \"Version\", \"Environment\", \"SdkVersion\", 'not json', 'not json', \"TelemetryConfigured\", \"RegisteredAt\", \"LastHeartbeatAt\", \"RegisteredAt\" FROM instances WHERE \"ServiceName\" = {0}",
            [name], Ct));

        using var one = await platform.Admin.GetAsync($"/api/v1/services/{name}", Ct);
        using var page = await platform.Admin.GetAsync($"/api/v1/services?owner=team-a&limit=500", Ct);
        using var scorecard = await platform.Admin.GetAsync($"/api/v1/scorecards/{name}", Ct);

        Assert.True(one.IsSuccessStatusCode, await one.Content.ReadAsStringAsync(Ct));
        Assert.Equal(["live"], (await one.Content.ReadFromJsonAsync(Json.ServiceDescription, Ct))!.Instances.Select(i => i.InstanceId));
        Assert.True(page.IsSuccessStatusCode, await page.Content.ReadAsStringAsync(Ct));
        Assert.True(scorecard.IsSuccessStatusCode, await scorecard.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task ReadsAreRateLimitedPerTokenAndAnonymousReadsPerAddressWithRetryAfter()
    {
        await using var platform = await StartAsync(new() { ["GoldenPath:Platform:ReadsPerSecond"] = "1", ["GoldenPath:Platform:ReadBurst"] = "3", ["GoldenPath:Platform:AnonymousRead"] = "true" });
        var greedy = platform.Client(await platform.TokenAsync("team-greedy", "catalog:write"));
        var modest = platform.Client(await platform.TokenAsync("team-modest", "read"));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await greedy.GetAsync("/api/v1/services", Ct);
            statuses.Add(response.StatusCode);
        }

        using var refused = await greedy.GetAsync("/api/v1/services", Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
        Assert.Contains("reads per second", (await ProblemAsync(refused)).Detail, StringComparison.Ordinal);
        Assert.Contains("GoldenPath:Platform:ReadsPerSecond", (await ProblemAsync(refused)).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await modest.GetAsync("/api/v1/services", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await greedy.PutAsJsonAsync($"/api/v1/services/{Unique("writes")}", Service("team-greedy"), Json.ServiceUpsertRequest, Ct)).StatusCode);

        var anonymous = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await platform.Anonymous.GetAsync("/api/v1/dora?days=30", Ct);
            anonymous.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, anonymous);
        Assert.Contains(HttpStatusCode.OK, anonymous);
    }

    [Fact]
    public async Task BodiesOfTheWrongShapeAreRefusedWithA400AndNeverA500()
    {
        await using var platform = await StartAsync(new() { ["GoldenPath:Platform:WriteBurst"] = "100000" });
        var (service, deploymentId, incidentId) = await SeedAsync(platform);
        JsonNode?[] wrong = [null, 42, true, "text", new JsonObject(), new JsonArray(), new JsonArray((JsonNode?)null), new JsonArray(new JsonObject())];

        var failures = new List<string>();
        foreach (var (method, path, body) in EveryWrite(service, deploymentId, incidentId))
        {
            var variants = Fields(body).SelectMany(field => wrong.Select(w => (Field: field, Body: Replace(body, field, w?.DeepClone()), What: w?.ToJsonString() ?? "null"))
                    .Append((Field: field, Body: Replace(body, field, remove: true), What: "left out")))
                .Concat([("body", new JsonObject(), "{}"), ("body", new JsonObject { ["unknown"] = 1 }, "unknown field")]);
            foreach (var (field, variant, what) in variants)
            {
                using var response = await SendAsync(platform.Admin, method, path, variant);
                if ((int)response.StatusCode >= 500 || (!response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType != "application/problem+json"))
                {
                    failures.Add($"{method} {path} {field} = {what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
                }
            }

            foreach (var raw in new[] { "[]", "\"text\"", "42", "{\"owner\": \"team-a\", \"lifecycle\": \"production\", \"owner\": null}" })
            {
                using var response = await platform.Admin.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(raw, Encoding.UTF8, "application/json") }, Ct);
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"{method} {path} {raw}: {(int)response.StatusCode}");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task DeeplyNestedHugeOrNullFilledBodiesAreRefusedNamingTheLimit()
    {
        await using var platform = await StartAsync();
        var name = Unique("shapes");
        var valid = Body(Service("team-a"), Json.ServiceUpsertRequest);

        var nested = valid.DeepClone().AsObject();
        nested["extra"] = JsonNode.Parse(new string('[', 40) + new string(']', 40));
        var deep = new string('[', 100_000) + new string(']', 100_000);
        var manyTags = valid.DeepClone().AsObject();
        manyTags["tags"] = new JsonArray([.. Enumerable.Range(0, 1500).Select(i => (JsonNode)$"t{i}")]);
        var manyDependencies = valid.DeepClone().AsObject();
        manyDependencies["dependsOn"] = new JsonArray([.. Enumerable.Range(0, 60).Select(i => (JsonNode)new JsonObject { ["name"] = $"db-{i}", ["kind"] = "postgres" })]);
        var longTitle = valid.DeepClone().AsObject();
        longTitle["links"] = new JsonArray(new JsonObject { ["url"] = "https://x.example.com", ["title"] = new string('x', 300) });

        using var nestedResponse = await SendAsync(platform.Admin, HttpMethod.Put, $"/api/v1/services/{name}", nested);
        using var deepResponse = await platform.Admin.PutAsync($"/api/v1/services/{name}", new StringContent(deep, Encoding.UTF8, "application/json"), Ct);
        using var tagsResponse = await SendAsync(platform.Admin, HttpMethod.Put, $"/api/v1/services/{name}", manyTags);
        using var dependenciesResponse = await SendAsync(platform.Admin, HttpMethod.Put, $"/api/v1/services/{name}", manyDependencies);
        using var titleResponse = await SendAsync(platform.Admin, HttpMethod.Put, $"/api/v1/services/{name}", longTitle);

        Assert.Equal(HttpStatusCode.BadRequest, nestedResponse.StatusCode);
        Assert.Contains("depth of 16", (await ProblemAsync(nestedResponse)).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, deepResponse.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tagsResponse.StatusCode);
        Assert.Contains("more than 1000 items", Assert.Single((await ProblemAsync(tagsResponse)).Errors!["tags"]), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, dependenciesResponse.StatusCode);
        Assert.Contains("dependsOn", (await ProblemAsync(dependenciesResponse)).Errors!.Keys);
        Assert.Equal(HttpStatusCode.BadRequest, titleResponse.StatusCode);
        Assert.Contains("links[0].title", (await ProblemAsync(titleResponse)).Errors!.Keys);
        Assert.False(await platform.QueryAsync(db => db.Services.AnyAsync(s => s.Name == name, Ct)));
    }

    private async Task<PlatformApp> StartAsync(Dictionary<string, string?>? settings = null) => (await store.StartAsync(new FakeTimeProvider(Now), settings)).App;

    /// <summary>A service with a deployment and an incident, for the writes that need them.</summary>
    private static async Task<(string Service, string DeploymentId, string IncidentId)> SeedAsync(PlatformApp platform)
    {
        var service = Unique("target");
        var deploymentId = $"{service}-1";
        (await platform.Admin.PutAsJsonAsync($"/api/v1/services/{service}", Service("team-a"), Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        (await platform.Admin.PostAsJsonAsync("/api/v1/deployments", new DeploymentEvent(deploymentId, service, "production", "1.0.0", "abc1234", Now.AddHours(-3), Now.AddHours(-2), "failure"), Json.DeploymentEvent, Ct)).EnsureSuccessStatusCode();
        using var incident = await platform.Admin.PostAsJsonAsync("/api/v1/incidents", new IncidentRequest(service, "production", "Errors", Now.AddHours(-2), $"inc-{service}"), Json.IncidentRequest, Ct);
        incident.EnsureSuccessStatusCode();
        return (service, deploymentId, $"inc-{service}");
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, JsonNode body) =>
        client.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") }, Ct);

    private static JsonObject Body<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => JsonSerializer.SerializeToNode(value, type)!.AsObject();

    /// <summary>The path of every string in a body (<c>links[0].url</c>) and its value.</summary>
    private static IEnumerable<(string Path, string Value)> Strings(JsonNode node, string path = "") => node switch
    {
        JsonObject o => o.SelectMany(p => p.Value is null ? [] : Strings(p.Value, path.Length == 0 ? p.Key : $"{path}.{p.Key}")),
        JsonArray a => a.SelectMany((item, i) => item is null ? [] : Strings(item, $"{path}[{i}]")),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [(path, v.GetValue<string>())],
        _ => [],
    };

    /// <summary>The path of every field and item in a body.</summary>
    private static IEnumerable<string> Fields(JsonNode node, string path = "") => node switch
    {
        JsonObject o => o.SelectMany(p => Fields(p.Value!, path.Length == 0 ? p.Key : $"{path}.{p.Key}").Prepend(path.Length == 0 ? p.Key : $"{path}.{p.Key}")),
        JsonArray a => a.SelectMany((item, i) => Fields(item!, $"{path}[{i}]").Prepend($"{path}[{i}]")),
        _ => [],
    };

    private static JsonObject Mutate(JsonObject body, string field, Func<string, string> change) =>
        Replace(body, field, change(Strings(body).Single(s => s.Path == field).Value));

    private static JsonObject Replace(JsonObject body, string field, JsonNode? value = null, bool remove = false)
    {
        var copy = body.DeepClone().AsObject();
        JsonNode target = copy;
        var segments = System.Text.RegularExpressions.Regex.Matches(field, @"[^.\[\]]+|\[\d+\]").Select(m => m.Value).ToList();
        foreach (var segment in segments[..^1])
        {
            target = segment.StartsWith('[') ? target[int.Parse(segment[1..^1], System.Globalization.CultureInfo.InvariantCulture)]! : target[segment]!;
        }

        var last = segments[^1];
        if (last.StartsWith('['))
        {
            var index = int.Parse(last[1..^1], System.Globalization.CultureInfo.InvariantCulture);
            if (remove)
            {
                target.AsArray().RemoveAt(index);
            }
            else
            {
                target[index] = value;
            }
        }
        else if (remove)
        {
            target.AsObject().Remove(last);
        }
        else
        {
            target[last] = value;
        }

        return copy;
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static ServiceUpsertRequest Service(string owner) =>
        new(owner, "production", "payments", DependsOn: [new ServiceDependency("orders-db", "postgres")]);

    private static InstanceRegistration Registration() =>
        new("1.2.3", "production", "0.1.0", ["http://10.0.0.7:8080"], new InstanceHealthUrls("http://10.0.0.7:8080/health/live", "http://10.0.0.7:8080/health/ready", "http://10.0.0.7:8080/health/startup"), [], Status: "Healthy");

    private static async Task<PlatformProblem> ProblemAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        return response.Content.Headers.ContentType?.MediaType == "application/problem+json"
            ? JsonSerializer.Deserialize(text, Json.PlatformProblem)!
            : new PlatformProblem(null, null, (int)response.StatusCode, $"not a problem: {text}");
    }
}

public sealed class SqliteTenantLimitsTests(SqliteStore store) : TenantLimitsTests(store), IClassFixture<SqliteStore>;

public sealed class PostgresTenantLimitsTests(PostgresStore store) : TenantLimitsTests(store), IClassFixture<PostgresStore>;
