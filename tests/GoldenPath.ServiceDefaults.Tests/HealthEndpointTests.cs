using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.ServiceDefaults.Tests;

public sealed class HealthEndpointTests
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/health/startup")]
    [InlineData("/health")]
    public async Task EveryHealthEndpointAnswersInProductionWithAJsonReport(string path)
    {
        await using var app = await TestApp.StartAsync(environment: "Production");

        using var response = await app.Client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.True(json.RootElement.GetProperty("totalDurationMs").GetDouble() >= 0);
        Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty("checks").ValueKind);
    }

    [Fact]
    public async Task LivenessIgnoresDependenciesWhileReadinessTurns503WithThePerCheckReport()
    {
        await using var app = await TestApp.StartAsync(configure: b => b.Services.AddHealthChecks()
            .AddCheck("database", () => HealthCheckResult.Unhealthy("connection refused", new InvalidOperationException("secret-host:5432 refused")), tags: ["ready"]));

        using var live = await app.Client.GetAsync("/health/live", TestContext.Current.CancellationToken);
        using var ready = await app.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var json = JsonDocument.Parse(body);
        var database = json.RootElement.GetProperty("checks").GetProperty("database");
        Assert.Equal("Unhealthy", database.GetProperty("status").GetString());
        Assert.Equal("connection refused", database.GetProperty("description").GetString());
        Assert.Equal(["ready"], database.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.True(database.TryGetProperty("durationMs", out _));
        Assert.DoesNotContain("secret-host", body, StringComparison.Ordinal);
        Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("shutdown").GetProperty("status").GetString());
    }

    [Fact]
    public async Task ExceptionTextIsShownOnlyInDevelopment()
    {
        await using var app = await TestApp.StartAsync(environment: "Development", configure: b => b.Services.AddHealthChecks()
            .AddCheck("database", () => HealthCheckResult.Unhealthy("down", new InvalidOperationException("secret-host:5432 refused")), tags: ["ready"]));

        using var response = await app.Client.GetAsync("/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("secret-host:5432 refused", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACheckThatHangsCountsAsUnhealthyAfterTheConfiguredTimeout()
    {
        await using var app = await TestApp.StartAsync(
            new() { ["GoldenPath:Health:CheckTimeout"] = "00:00:00.300" },
            configure: b => b.Services.AddHealthChecks().AddAsyncCheck("hangs", async ct =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return HealthCheckResult.Healthy();
            }, tags: ["ready"]));
        var started = DateTime.UtcNow;

        using var response = await app.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Unhealthy", json.RootElement.GetProperty("checks").GetProperty("hangs").GetProperty("status").GetString());
    }

    [Fact]
    public async Task ACheckThatHangsOnAScopedConnectionAnswers503AndItsScopeIsDisposedOnlyOnceTheCheckHasEnded()
    {
        // EF Core's pooled DbContext refuses to be returned while its connection is still opening ("Can't close,
        // connection is in state Connecting"): a check abandoned at its timeout must not have its scope disposed under it.
        var connection = new ConnectionState();
        await using var app = await TestApp.StartAsync(
            new() { ["GoldenPath:Health:CheckTimeout"] = "00:00:00.300" },
            configure: b =>
            {
                b.Services.AddSingleton(connection);
                b.Services.AddScoped<ScopedConnection>();
                b.Services.AddHealthChecks().AddCheck<ConnectingCheck>("database", tags: ["ready"]);
            });

        using var first = await app.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(1.2), TestContext.Current.CancellationToken);
        using var second = await app.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        connection.Opened.SetResult();
        await Poll.UntilAsync(() => Task.FromResult(connection.Disposed == connection.Opens), TimeSpan.FromSeconds(10), "every abandoned check's scope to be disposed once it ended");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        using var json = JsonDocument.Parse(await second.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Unhealthy", json.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal(2, connection.Opens);
        Assert.Equal(0, connection.DisposedWhileConnecting);
    }

    private sealed class ConnectionState
    {
        public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Opens;
        public int Disposed;
        public int DisposedWhileConnecting;
    }

    private sealed class ScopedConnection(ConnectionState state) : IAsyncDisposable
    {
        private bool _connecting;

        public async Task OpenAsync()
        {
            Interlocked.Increment(ref state.Opens);
            _connecting = true;
            await state.Opened.Task; // a driver that does not honour cancellation while it connects
            _connecting = false;
        }

        public ValueTask DisposeAsync()
        {
            if (_connecting)
            {
                Interlocked.Increment(ref state.DisposedWhileConnecting);
                throw new InvalidOperationException("Can't close, connection is in state Connecting");
            }

            Interlocked.Increment(ref state.Disposed);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ConnectingCheck(ScopedConnection connection) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            await connection.OpenAsync();
            return HealthCheckResult.Healthy();
        }
    }

    [Fact]
    public async Task ResultsAreReusedForTheCacheDurationAndRunAgainAfterIt()
    {
        var runs = 0;
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-26T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var app = await TestApp.StartAsync(
            new() { ["GoldenPath:Health:CacheDuration"] = "00:00:02" },
            time: time,
            configure: b => b.Services.AddHealthChecks().AddCheck("counted", () =>
            {
                Interlocked.Increment(ref runs);
                return HealthCheckResult.Healthy();
            }, tags: ["ready"]));

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => app.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken)));
        Assert.Equal(1, runs);

        time.Advance(TimeSpan.FromSeconds(1));
        await app.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        Assert.Equal(1, runs);

        time.Advance(TimeSpan.FromSeconds(2));
        await app.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task ReadinessTurns503AsSoonAsShutdownBeginsWhileLivenessStays200()
    {
        await using var app = await TestApp.StartAsync(new() { ["GoldenPath:Health:CacheDuration"] = "00:00:30" });
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken)).StatusCode);
        var lifetime = app.App.Services.GetRequiredService<IHostApplicationLifetime>();
        var gate = new TaskCompletionSource();
        lifetime.ApplicationStopping.Register(() => gate.Task.Wait(TimeSpan.FromSeconds(10)));

        var stopping = Task.Run(lifetime.StopApplication, TestContext.Current.CancellationToken);
        await Poll.UntilAsync(() => Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested), TimeSpan.FromSeconds(5), "stopping");
        using var ready = await app.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        using var live = await app.Client.GetAsync("/health/live", TestContext.Current.CancellationToken);
        gate.SetResult();
        await stopping;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("shutting down", await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task DuringShutdownReadinessAnswers503AtOnceWithoutRunningTheOtherReadyChecks()
    {
        // A dependency whose check hangs (a database under load): a balancer's probe must still learn at once that the
        // instance is going away, or it keeps sending requests until the instance stops listening.
        var hanging = new TaskCompletionSource<HealthCheckResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        await using var app = await TestApp.StartAsync(configure: b => b.Services.AddHealthChecks().AddAsyncCheck("slow-dependency", () =>
        {
            Interlocked.Increment(ref runs);
            return hanging.Task;
        }, tags: ["ready"]));
        var lifetime = app.App.Services.GetRequiredService<IHostApplicationLifetime>();
        var gate = new TaskCompletionSource();
        lifetime.ApplicationStopping.Register(() => gate.Task.Wait(TimeSpan.FromSeconds(30)));

        var stopping = Task.Run(lifetime.StopApplication, TestContext.Current.CancellationToken);
        await Poll.UntilAsync(() => Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested), TimeSpan.FromSeconds(5), "stopping");
        var answer = app.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        var answered = await Task.WhenAny(answer, Task.Delay(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken)) == answer;
        hanging.SetResult(HealthCheckResult.Healthy());
        gate.SetResult();
        await stopping;

        Assert.True(answered, "/health/ready did not answer while a ready check hung during shutdown.");
        using var ready = await answer;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("shutting down", body, StringComparison.Ordinal);
        Assert.DoesNotContain("slow-dependency", body, StringComparison.Ordinal);
        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task StartupReportsTheStartedCheckAndChecksTaggedStartup()
    {
        await using var app = await TestApp.StartAsync(configure: b => b.Services.AddHealthChecks()
            .AddCheck("migrations", () => HealthCheckResult.Unhealthy("pending migrations"), tags: ["startup"]));

        using var response = await app.Client.GetAsync("/health/startup", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("started").GetProperty("status").GetString());
        Assert.Equal("pending migrations", json.RootElement.GetProperty("checks").GetProperty("migrations").GetProperty("description").GetString());
    }

    [Fact]
    public async Task TheHealthEndpointsCanBeTurnedOffAndMovedByConfiguration()
    {
        await using (var off = await TestApp.StartAsync(new() { ["GoldenPath:Health:Disable"] = "true" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await off.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken)).StatusCode);
        }

        await using var moved = await TestApp.StartAsync(new() { ["GoldenPath:Health:ReadyPath"] = "/internal/ready" });
        Assert.Equal(HttpStatusCode.OK, (await moved.Client.GetAsync("/internal/ready", TestContext.Current.CancellationToken)).StatusCode);
    }
}
