using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using GoldenPath.Catalog.Contracts;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GoldenPath.AppHost.Tests;

[Collection(StackCollection.Name)]
public sealed class StackTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryResourceIsHealthy()
    {
        var app = await stack.GetAppAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));

        await StackFixture.WaitHealthyAsync(app, timeout.Token);

        foreach (var resource in StackFixture.Resources)
        {
            Assert.True(app.ResourceNotifications.TryGetCurrentState(resource, out var state), resource);
            Assert.Equal(HealthStatus.Healthy, state.Snapshot.HealthStatus);
        }
    }

    [Fact]
    public async Task AUserIsCreatedAndTheSecondReadComesFromTheCache()
    {
        var users = (await stack.GetAppAsync()).CreateHttpClient("user-api");
        var email = $"jane-{Guid.NewGuid():N}@example.com";

        using var created = await users.PostAsJsonAsync("/users", new { name = "Jane", email }, Ct);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetString();
        using var first = await users.GetAsync($"/users/{id}", Ct);
        using var second = await users.GetAsync($"/users/{id}", Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("miss", first.Headers.GetValues("X-Cache").Single());
        Assert.Equal("hit", second.Headers.GetValues("X-Cache").Single());
        Assert.Equal(email, JsonDocument.Parse(await second.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("email").GetString());
    }

    [Fact]
    public async Task AnOrderEventIsRecordedByTheWorker()
    {
        var app = await stack.GetAppAsync();
        var users = app.CreateHttpClient("user-api");
        var worker = app.CreateHttpClient("orders-worker");
        using var created = await users.PostAsJsonAsync("/users", new { name = "Ada", email = $"ada-{Guid.NewGuid():N}@example.com" }, Ct);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetString();

        using var placed = await users.PostAsJsonAsync($"/users/{id}/orders", new { amount = 42.5m }, Ct);
        var orderId = JsonDocument.Parse(await placed.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("orderId").GetString();

        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        await Poll.UntilAsync(async () => (await worker.GetAsync($"/orders/{orderId}", Ct)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the order to be recorded");
        var order = JsonDocument.Parse(await worker.GetStringAsync($"/orders/{orderId}", Ct)).RootElement;
        Assert.Equal(id, order.GetProperty("userId").GetString());
        Assert.Equal(42.5m, order.GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task ThePlatformListsBothServicesWithLiveInstances()
    {
        var platform = (await stack.GetAppAsync()).CreateHttpClient("platform");

        await Poll.UntilAsync(async () => (await LiveServicesAsync(platform)).IsSupersetOf(["user-api", "orders-worker"]), TimeSpan.FromSeconds(30), "both services registered");

        var services = await platform.GetFromJsonAsync("/api/v1/services", PlatformJsonContext.Default.IReadOnlyListServiceDescription, Ct);
        var userApi = services!.Single(s => s.Name == "user-api");
        Assert.Equal(("team-identity", "accounts"), (userApi.Owner, userApi.System));
        Assert.Contains(new ServiceDependency("users", "postgres"), userApi.DependsOn);
        Assert.True(userApi.Instances.Single().TelemetryConfigured);
    }

    [Fact]
    public async Task EachServiceHoldsATokenOfItsOwnTeamThatCanRegisterItsInstancesAndNothingMore()
    {
        var app = await stack.GetAppAsync();
        var services = new[] { ("user-api", "team-identity", "orders-worker", "team-commerce"), ("orders-worker", "team-commerce", "user-api", "team-identity") };
        var anonymous = app.CreateHttpClient("platform");
        await Poll.UntilAsync(async () => (await LiveServicesAsync(anonymous)).IsSupersetOf(["user-api", "orders-worker"]), TimeSpan.FromSeconds(30), "both services registered");
        var tokens = new List<string>();

        foreach (var (name, team, other, otherTeam) in services)
        {
            var token = EnvironmentValue(app, name, "GoldenPath__Platform__Token");
            tokens.Add(token);
            var platform = app.CreateHttpClient("platform");
            platform.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var registration = new InstanceRegistration("1.0.0", "development", "0.1.0", [], new InstanceHealthUrls(null, null, null), []);

            using var mint = await platform.PostAsJsonAsync("/api/v1/tokens", new TokenRequest(team, ["admin"]), PlatformJsonContext.Default.TokenRequest, Ct);
            using var rewrite = await platform.PutAsJsonAsync($"/api/v1/services/{name}", new ServiceUpsertRequest(team, "production"), PlatformJsonContext.Default.ServiceUpsertRequest, Ct);
            using var foreign = await platform.PutAsJsonAsync($"/api/v1/services/{other}/instances/intruder", registration, PlatformJsonContext.Default.InstanceRegistration, Ct);
            // Deployments are reported by the app host with a token of its own; the service's token cannot report one, not even its own.
            var deployment = new DeploymentEvent($"forged-{Guid.NewGuid():N}", name, "development", "9.9.9", new string('0', 40), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow, "success");
            using var deployed = await platform.PostAsJsonAsync("/api/v1/deployments", deployment, PlatformJsonContext.Default.DeploymentEvent, Ct);

            Assert.Equal(HttpStatusCode.Forbidden, mint.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, rewrite.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, deployed.StatusCode);
            Assert.Contains($"is owned by team '{otherTeam}'; the token of team '{team}' may not", await foreign.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.Equal(2, tokens.Distinct().Count());
    }

    [Fact]
    public async Task ServicesKeepServingWhileThePlatformIsDownAndRegisterAgainWhenItReturns()
    {
        var app = await stack.GetAppAsync();
        await StackFixture.WaitHealthyAsync(app, Ct);
        var users = app.CreateHttpClient("user-api");

        await app.ResourceCommands.ExecuteCommandAsync("platform", KnownResourceCommands.StopCommand, Ct);
        try
        {
            await app.ResourceNotifications.WaitForResourceAsync("platform", KnownResourceStates.TerminalStates, Ct);
            // A heartbeat has failed (the registration check says so), and the service still serves and is ready.
            await Poll.UntilAsync(async () => await RegistrationStatusAsync(users) == "Degraded", StackFixture.Heartbeat * 4 + TimeSpan.FromSeconds(10),
                "user-api noticed that the platform is gone (its platform-registration check Degraded)");

            Assert.Equal(HttpStatusCode.OK, (await users.GetAsync("/health/ready", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await users.GetAsync("/users", Ct)).StatusCode);
        }
        finally
        {
            // The platform is shared by every test of the class: it comes back whatever happened above.
            await app.ResourceCommands.ExecuteCommandAsync("platform", KnownResourceCommands.StartCommand, CancellationToken.None);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("platform", CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2), CancellationToken.None);
        }

        var back = DateTimeOffset.UtcNow;
        var platform = app.CreateHttpClient("platform");

        await Poll.UntilAsync(async () => (await FreshServicesAsync(platform, back)).IsSupersetOf(["user-api", "orders-worker"]),
            StackFixture.Heartbeat * 2 + TimeSpan.FromSeconds(5), "both services heartbeating again within two heartbeat intervals");
    }

    [Fact]
    public async Task WhenPostgreSqlStopsAnsweringUserApiIsNotReadyButAliveAndRecoversWhenItReturns()
    {
        var app = await stack.GetAppAsync();
        await StackFixture.WaitHealthyAsync(app, Ct);
        var users = app.CreateHttpClient("user-api");

        // Paused, not removed: Aspire's stop command removes a session container, and its data with it.
        var container = ContainerId(app, "postgres");
        await Docker("pause", container);
        try
        {
            await Poll.UntilAsync(async () => (await users.GetAsync("/health/ready", Ct)).StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), "user-api not ready");
            Assert.Equal(HttpStatusCode.OK, (await users.GetAsync("/health/live", Ct)).StatusCode);
        }
        finally
        {
            await Docker("unpause", container);
        }

        await Poll.UntilAsync(async () => (await users.GetAsync("/health/ready", Ct)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "user-api ready again");
        Assert.Equal(HttpStatusCode.OK, (await users.GetAsync("/users", Ct)).StatusCode);
    }

    /// <summary>The value a running resource was started with, as the dashboard shows it.</summary>
    private static string EnvironmentValue(DistributedApplication app, string resource, string variable)
    {
        Assert.True(app.ResourceNotifications.TryGetCurrentState(resource, out var state), resource);
        return state.Snapshot.EnvironmentVariables.SingleOrDefault(v => v.Name == variable)?.Value
            ?? throw new InvalidOperationException($"Resource '{resource}' was started without {variable}.");
    }

    private static string ContainerId(DistributedApplication app, string resource)
    {
        Assert.True(app.ResourceNotifications.TryGetCurrentState(resource, out var state), resource);
        return state.Snapshot.Properties.SingleOrDefault(p => p.Name == "container.id")?.Value as string
            ?? throw new InvalidOperationException($"Resource '{resource}' has no container id (property container.id).");
    }

    private static async Task Docker(params string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("docker", arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, $"docker {string.Join(' ', arguments)} failed: {error}");
    }

    /// <summary>The status of the service's <c>platform-registration</c> check in its <c>/health</c> report.</summary>
    private static async Task<string?> RegistrationStatusAsync(HttpClient service)
    {
        using var response = await service.GetAsync("/health", Ct);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return report.RootElement.GetProperty("checks").TryGetProperty("platform-registration", out var check) ? check.GetProperty("status").GetString() : null;
    }

    private static async Task<HashSet<string>> LiveServicesAsync(HttpClient platform)
    {
        var services = await platform.GetFromJsonAsync("/api/v1/services", PlatformJsonContext.Default.IReadOnlyListServiceDescription, Ct);
        return services!.Where(s => s.Instances.Count > 0).Select(s => s.Name).ToHashSet();
    }

    private static async Task<HashSet<string>> FreshServicesAsync(HttpClient platform, DateTimeOffset since)
    {
        try
        {
            var services = await platform.GetFromJsonAsync("/api/v1/services", PlatformJsonContext.Default.IReadOnlyListServiceDescription, Ct);
            return services!.Where(s => s.Instances.Any(i => i.LastHeartbeatAt >= since)).Select(s => s.Name).ToHashSet();
        }
        catch (HttpRequestException)
        {
            return [];
        }
    }
}
