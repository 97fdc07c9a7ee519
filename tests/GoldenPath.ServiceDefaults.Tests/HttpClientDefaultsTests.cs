using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace GoldenPath.ServiceDefaults.Tests;

public sealed class HttpClientDefaultsTests
{
    [Fact]
    public async Task EveryClientRetriesTransientFailuresByDefault()
    {
        await using var flaky = await FlakyServer.StartAsync(failures: 2);
        await using var app = await TestApp.StartAsync(configure: b => b.Services.AddHttpClient("orders"));

        var client = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient("orders");
        using var response = await client.GetAsync(flaky.Url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, flaky.Requests);
    }

    [Fact]
    public async Task OneClientCanReplaceTheDefaultResilienceWithoutFightingIt()
    {
        await using var flaky = await FlakyServer.StartAsync(failures: 5);
        await using var app = await TestApp.StartAsync(configure: b =>
        {
#pragma warning disable EXTEXP0001
            b.Services.AddHttpClient("payments")
                .RemoveAllResilienceHandlers()
                .AddResilienceHandler("payments", pipeline => pipeline.AddRetry(new HttpRetryStrategyOptions { MaxRetryAttempts = 1, Delay = TimeSpan.Zero }));
#pragma warning restore EXTEXP0001
        });

        var client = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient("payments");
        using var response = await client.GetAsync(flaky.Url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(2, flaky.Requests);
    }

    [Fact]
    public async Task ResilienceCanBeTurnedOffForEveryClient()
    {
        await using var flaky = await FlakyServer.StartAsync(failures: 1);
        await using var app = await TestApp.StartAsync(new() { ["GoldenPath:Http:DisableResilience"] = "true" }, configure: b => b.Services.AddHttpClient("orders"));

        var client = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient("orders");
        using var response = await client.GetAsync(flaky.Url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, flaky.Requests);
    }

    [Fact]
    public async Task ServiceDiscoveryResolvesANamedServiceFromConfiguration()
    {
        await using var flaky = await FlakyServer.StartAsync(failures: 0);
        await using var app = await TestApp.StartAsync(new() { ["Services:inventory:http:0"] = flaky.Url }, configure: b => b.Services.AddHttpClient("inventory", c => c.BaseAddress = new Uri("http://inventory")));

        var client = app.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient("inventory");
        using var response = await client.GetAsync("/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, flaky.Requests);
    }

    /// <summary>A loopback server that answers 503 a given number of times, then 200.</summary>
    private sealed class FlakyServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private FlakyServer(WebApplication app) => _app = app;

        public int Requests => _requests;

        public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        public static async Task<FlakyServer> StartAsync(int failures)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var server = new FlakyServer(app);
            app.MapGet("/", () => Interlocked.Increment(ref server._requests) <= failures ? Results.StatusCode(503) : Results.Ok("ok"));
            await app.StartAsync(TestContext.Current.CancellationToken);
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
