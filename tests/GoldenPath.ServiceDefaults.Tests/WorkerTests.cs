using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace GoldenPath.ServiceDefaults.Tests;

public sealed class WorkerTests
{
    [Fact]
    public async Task AWorkerHostGetsIdentityTelemetryAndRegistration()
    {
        await using var platform = await FakePlatform.StartedAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = typeof(TestApp).Assembly.GetName().Name,
            EnvironmentName = "Production",
        });
        builder.Configuration["GoldenPath:Platform:Url"] = platform.Url;
        builder.Configuration["GoldenPath:Platform:AdvertisedUrl"] = "http://orders-worker:8081";

        builder.AddGoldenPath();
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        Assert.Equal("servicedefaults-tests", host.Services.GetRequiredService<ServiceInfo>().Name);
        Assert.Equal("servicedefaults-tests", host.Services.GetRequiredService<TracerProvider>().GetResource().Attributes.Single(a => a.Key == "service.name").Value);
        await Poll.UntilAsync(() => Task.FromResult(platform.Calls.Any(c => c.Path.Contains("/instances/", StringComparison.Ordinal))), TimeSpan.FromSeconds(10), "the worker's registration");
        var instance = platform.Calls.First(c => c.Path.Contains("/instances/", StringComparison.Ordinal));
        Assert.Equal("http://orders-worker:8081/health/ready", instance.Json.GetProperty("health").GetProperty("ready").GetString());

        await host.StopAsync(TestContext.Current.CancellationToken);
        Assert.Equal("DELETE", platform.Calls.Last().Method);
    }
}
