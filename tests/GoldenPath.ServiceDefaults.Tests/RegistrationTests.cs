using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.ServiceDefaults.Tests;

public sealed class RegistrationTests
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RegistersTheInstanceWithItsServicesIdentityAndTheTokenAndNoSecretsWithoutWritingTheCatalogEntry()
    {
        await using var platform = await FakePlatform.StartedAsync();
        await using var app = await StartServiceAsync(platform, new FakeTimeProvider());

        await Poll.UntilAsync(() => Task.FromResult(platform.Count("PUT", "/instances/i-42") == 1), TimeSpan.FromSeconds(10), "the instance registration");

        Assert.Equal(0, platform.Count("PUT", "/services/servicedefaults-tests"));
        var instance = Assert.Single(platform.Calls, c => c.Path == "/api/v1/services/servicedefaults-tests/instances/i-42");
        Assert.Equal("Bearer t0ken", instance.Authorization);
        var body = instance.Json;
        var identity = body.GetProperty("service");
        Assert.Equal(("team-platform", "goldenpath", "production"), (identity.GetProperty("owner").GetString(), identity.GetProperty("system").GetString(), identity.GetProperty("lifecycle").GetString()));
        Assert.Equal(("https://git.example.com/goldenpath/tree/main/tests/", "dir:."), (identity.GetProperty("sourceLocation").GetString(), identity.GetProperty("techDocsRef").GetString()));
        Assert.Equal("3.1.0", body.GetProperty("version").GetString());
        Assert.Equal("production", body.GetProperty("environment").GetString());
        Assert.Equal("0.1.0", body.GetProperty("sdkVersion").GetString());
        Assert.Equal(("platform-api", "0.1.0"), (body.GetProperty("template").GetString(), body.GetProperty("templateVersion").GetString()));
        Assert.Equal(["http://orders.test:8080"], body.GetProperty("endpoints").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("http://orders.test:8080/health/ready", body.GetProperty("health").GetProperty("ready").GetString());
        Assert.Equal("http://orders.test:8080/health/live", body.GetProperty("health").GetProperty("live").GetString());
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var dependencies = body.GetProperty("dependencies").EnumerateArray().Select(d => (d.GetProperty("name").GetString(), d.GetProperty("kind").GetString())).ToList();
        Assert.Equal([("cache", "redis"), ("orders-db", "postgres")], dependencies);
        Assert.All(platform.Calls, c => Assert.DoesNotContain("s3cret", c.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendsAHeartbeatEveryIntervalAndNeverWritesTheCatalogEntry()
    {
        var time = new FakeTimeProvider();
        await using var platform = await FakePlatform.StartedAsync();
        await using var app = await StartServiceAsync(platform, time);
        await Poll.UntilAsync(() => Task.FromResult(platform.Count("PUT", "/instances/i-42") == 1), TimeSpan.FromSeconds(10), "the first registration");

        // One second a step: the first heartbeat is seen no sooner than one interval after the registration (a late look
        // only makes the measured wait longer, so the bound cannot fail for a slow machine).
        var untilFirst = await Eventually.AdvanceUntilAsync(time, () => platform.Count("PUT", "/instances/i-42") >= 2, TimeSpan.FromSeconds(1), Heartbeat * 2, "the first heartbeat");
        Assert.True(untilFirst >= Heartbeat, $"the first heartbeat came {untilFirst} after the registration; the interval is {Heartbeat}");
        Assert.Equal(2, platform.Count("PUT", "/instances/i-42"));

        await Eventually.AdvanceUntilAsync(time, () => platform.Count("PUT", "/instances/i-42") >= 3, TimeSpan.FromSeconds(1), Heartbeat * 2, "the second heartbeat");
        Assert.Equal(3, platform.Count("PUT", "/instances/i-42"));
        Assert.Equal(0, platform.Count("PUT", "/services/servicedefaults-tests"));
    }

    [Fact]
    public async Task APlatformDownAtStartUpDoesNotHurtTheServiceAndItRegistersWithinTwoHeartbeatsOfTheComeback()
    {
        var time = new FakeTimeProvider();
        await using var platform = FakePlatform.NotStarted();
        await using var app = await StartServiceAsync(platform, time);

        await Poll.UntilAsync(async () => (await RegistrationStateAsync(app)) == "unreachable", TimeSpan.FromSeconds(10), "state unreachable");
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal("hello", await app.Client.GetStringAsync("/hello", TestContext.Current.CancellationToken));

        // Several retries while the platform is down: logged once, not once per retry.
        await Eventually.AdvanceUntilAsync(time, () => time.GetUtcNow() - time.Start > TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(4), "retries");
        Assert.Single(app.CapturedLogs(), l => l.EventId == 1003);

        await platform.StartAsync();
        var waited = await Eventually.AdvanceUntilAsync(time, () => platform.Count("PUT", "/instances/i-42") >= 1, TimeSpan.FromSeconds(1), Heartbeat * 2, "registration after the platform came back");

        Assert.True(waited <= Heartbeat * 2, $"registered {waited} after the platform came back");
        await Poll.UntilAsync(async () => (await RegistrationStateAsync(app)) == "registered", TimeSpan.FromSeconds(10), "state registered");
    }

    [Fact]
    public async Task APlatformThatForgotTheServiceGetsItBackFromTheNextHeartbeatWithoutACatalogWrite()
    {
        var time = new FakeTimeProvider();
        await using var platform = await FakePlatform.StartedAsync();
        await using var app = await StartServiceAsync(platform, time);
        await Poll.UntilAsync(() => Task.FromResult(platform.Count("PUT", "/instances/i-42") == 1), TimeSpan.FromSeconds(10), "the first registration");

        platform.Forget();
        await Eventually.AdvanceUntilAsync(time, () => platform.Knows("servicedefaults-tests"), TimeSpan.FromSeconds(1), Heartbeat * 2, "the service known again");

        Assert.All(platform.Calls, c => Assert.EndsWith("/instances/i-42", c.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeregistersOnGracefulShutdown()
    {
        await using var platform = await FakePlatform.StartedAsync();
        var app = await StartServiceAsync(platform, new FakeTimeProvider());
        await Poll.UntilAsync(() => Task.FromResult(platform.Count("PUT", "/instances/i-42") == 1), TimeSpan.FromSeconds(10), "the first registration");

        await app.App.StopAsync(TestContext.Current.CancellationToken);
        await app.DisposeAsync();

        Assert.Equal("DELETE", platform.Calls.Last().Method);
        Assert.Equal("/api/v1/services/servicedefaults-tests/instances/i-42", platform.Calls.Last().Path);
    }

    [Fact]
    public async Task DeregistersWhenStoppedWhileTheRegistrationIsOnItsWay()
    {
        // The platform has taken the registration but not answered yet: it would list the instance until it expired.
        await using var platform = await FakePlatform.StartedAsync();
        platform.HoldInstanceAnswers();
        var app = await StartServiceAsync(platform, new FakeTimeProvider());
        await Poll.UntilAsync(() => Task.FromResult(platform.Count("PUT", "/instances/i-42") == 1), TimeSpan.FromSeconds(10), "the registration sent");

        await app.App.StopAsync(TestContext.Current.CancellationToken);
        await app.DisposeAsync();

        Assert.Equal(("DELETE", "/api/v1/services/servicedefaults-tests/instances/i-42"), (platform.Calls.Last().Method, platform.Calls.Last().Path));
    }

    [Fact]
    public async Task ARefusedRegistrationTellsWhichTokenTheServiceNeeds()
    {
        await using var platform = await FakePlatform.StartedAsync();
        platform.RefuseInstances(403, "The token tok_1 of team 'platform' has the admin scope, which this endpoint never accepts.");
        await using var app = await StartServiceAsync(platform, new FakeTimeProvider());

        await Poll.UntilAsync(() => Task.FromResult(app.CapturedLogs().Any(l => l.EventId == 1004)), TimeSpan.FromSeconds(10), "the refusal in the log");

        var refused = app.CapturedLogs().First(l => l.EventId == 1004);
        Assert.Contains("admin scope", refused.Message, StringComparison.Ordinal);
        Assert.Contains("scope instances:write", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("catalog:write", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAPlatformUrlNothingIsRegisteredAndTheStateSaysWhy()
    {
        await using var app = await TestApp.StartAsync();

        Assert.Equal("disabled", await RegistrationStateAsync(app));
    }

    [Fact]
    public async Task AnApplicationWideHttpHandlerNeverSeesTheRegistrationNorItsPlatformToken()
    {
        await using var platform = await FakePlatform.StartedAsync();
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var app = await StartServiceAsync(platform, new FakeTimeProvider(),
            b => b.Services.ConfigureHttpClientDefaults(http => http.AddHttpMessageHandler(() => new RecordingHandler(seen))));

        await Poll.UntilAsync(() => Task.FromResult(platform.Count("PUT", "/instances/i-42") == 1), TimeSpan.FromSeconds(10), "the instance registration");

        Assert.Empty(seen);
    }

    [Fact]
    public async Task APlatformUrlThatIsAServiceDiscoveryNameIsResolvedFromConfiguration()
    {
        await using var platform = await FakePlatform.StartedAsync();
        await using var app = await StartServiceAsync(platform, new FakeTimeProvider(), overrides: new()
        {
            ["GoldenPath:Platform:Url"] = "http://goldenpath-platform",
            ["Services:goldenpath-platform:http:0"] = platform.Url,
        });

        await Poll.UntilAsync(() => Task.FromResult(platform.Count("PUT", "/instances/i-42") == 1), TimeSpan.FromSeconds(10), "the instance registration through service discovery");

        Assert.Equal("Bearer t0ken", Assert.Single(platform.Calls).Authorization);
    }

    [Fact]
    public async Task HeartbeatsThatChangeNothingWriteNoLogLines()
    {
        var time = new FakeTimeProvider();
        await using var platform = await FakePlatform.StartedAsync();
        await using var app = await StartServiceAsync(platform, time);
        await Poll.UntilAsync(() => Task.FromResult(platform.Count("PUT", "/instances/i-42") == 1), TimeSpan.FromSeconds(10), "the first registration");
        await Eventually.AdvanceUntilAsync(time, () => platform.Count("PUT", "/instances/i-42") >= 3, TimeSpan.FromSeconds(1), Heartbeat * 3, "two heartbeats");

        Assert.DoesNotContain(app.CapturedLogs(), l => l.Category?.StartsWith("System.Net.Http", StringComparison.Ordinal) == true);
        Assert.Single(app.CapturedLogs(), l => l.EventId == 1002);
    }

    /// <summary>An application's handler for every client of the factory: it records what it sees.</summary>
    private sealed class RecordingHandler(System.Collections.Concurrent.ConcurrentQueue<string> seen) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Enqueue($"{request.RequestUri} {request.Headers.Authorization}");
            return base.SendAsync(request, cancellationToken);
        }
    }

    private static Task<TestApp> StartServiceAsync(FakePlatform platform, FakeTimeProvider time, Action<WebApplicationBuilder>? configure = null, Dictionary<string, string?>? overrides = null)
    {
        var configuration = new Dictionary<string, string?>
        {
        ["GoldenPath:Platform:Url"] = platform.Url,
        ["GoldenPath:Platform:Token"] = "t0ken",
        ["GoldenPath:Platform:RequestTimeout"] = "00:00:02",
        ["GoldenPath:Platform:AdvertisedUrl"] = "http://orders.test:8080",
        ["GoldenPath:Service:InstanceId"] = "i-42",
        ["GoldenPath:Service:Version"] = "3.1.0",
        ["GoldenPath:Health:CacheDuration"] = "00:00:00",
        ["ConnectionStrings:orders-db"] = "Host=db;Database=orders;Username=orders;Password=s3cret",
        ["ConnectionStrings:cache"] = "cache:6379,password=s3cret",
        };
        foreach (var (key, value) in overrides ?? [])
        {
            configuration[key] = value;
        }

        return TestApp.StartAsync(configuration, configure: configure, time: time);
    }

    private static async Task<string?> RegistrationStateAsync(TestApp app)
    {
        using var response = await app.Client.GetAsync("/health", TestContext.Current.CancellationToken);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var check = json.RootElement.GetProperty("checks").GetProperty("platform-registration");
        return check.GetProperty("description").GetString() switch
        {
            { } d when d.StartsWith("Registered", StringComparison.Ordinal) => "registered",
            { } d when d.StartsWith("Registration is off", StringComparison.Ordinal) => "disabled",
            { } d when d.Contains("(unreachable)", StringComparison.Ordinal) => "unreachable",
            { } d => d,
            null => null,
        };
    }
}
