using Aspire.Hosting;
using Aspire.Hosting.Testing;
using GoldenPath.Testing;

namespace GoldenPath.AppHost.Tests;

/// <summary>The whole stack of the app host, started once for the tests with real containers.</summary>
public sealed class StackFixture : IAsyncLifetime
{
    /// <summary>The heartbeat the services use here, so that re-registration is quick to observe.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(3);

    public static readonly string[] Resources = ["platform-postgres", "postgres", "cache", "platform", "user-api", "orders-worker"];

    private DistributedApplication? _app;

    public async Task<DistributedApplication> GetAppAsync()
    {
        await DockerEngine.RequireAsync();
        return _app ?? throw new InvalidOperationException("The app host did not start; see the fixture's error.");
    }

    public async ValueTask InitializeAsync()
    {
        if (!(await DockerEngine.GetStatusAsync()).IsUsable)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GoldenPath_AppHost>(
            [$"GoldenPath:Hosting:HeartbeatInterval={Heartbeat}"], timeout.Token);
        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        await WaitHealthyAsync(_app, timeout.Token);
    }

    public static async Task WaitHealthyAsync(DistributedApplication app, CancellationToken ct)
    {
        foreach (var resource in Resources)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>The test classes that share one running stack (started once: the suite's time is mostly the stack's start).</summary>
[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}
