using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using Microsoft.AspNetCore.Builder;
using OpenTelemetry.Trace;

namespace GoldenPath.ServiceDefaults.Tests;

public sealed class TelemetryTests
{
    [Fact]
    public async Task TheResourceCarriesTheIdentityFromCatalogInfoYaml()
    {
        await using var app = await TestApp.StartAsync(new() { ["GoldenPath:Service:Version"] = "1.4.2", ["GoldenPath:Service:InstanceId"] = "pod-7" });

        var attributes = Resource(app);

        Assert.Equal("servicedefaults-tests", attributes["service.name"]);
        Assert.Equal("goldenpath", attributes["service.namespace"]);
        Assert.Equal("1.4.2", attributes["service.version"]);
        Assert.Equal("pod-7", attributes["service.instance.id"]);
        Assert.Equal("production", attributes["deployment.environment.name"]);
        Assert.Equal("team-platform", attributes["service.owner"]);
    }

    [Fact]
    public async Task OtelVariablesWinOverGoldenPathSettingsInOpenTelemetrysOrder()
    {
        await using var app = await TestApp.StartAsync(new()
        {
            ["GoldenPath:Service:Name"] = "from-settings",
            ["GoldenPath:Service:Environment"] = "from-settings",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "service.name=from-attributes,service.namespace=checkout,deployment.environment.name=staging,k8s.pod.name=orders-7d9",
            ["OTEL_SERVICE_NAME"] = "from-service-name",
        });

        var attributes = Resource(app);

        Assert.Equal("from-service-name", attributes["service.name"]);
        Assert.Equal("checkout", attributes["service.namespace"]);
        Assert.Equal("staging", attributes["deployment.environment.name"]);
        Assert.Equal("orders-7d9", attributes["k8s.pod.name"]);
        Assert.Equal("from-service-name", app.App.Services.GetRequiredService<ServiceInfo>().Name);
    }

    [Fact]
    public async Task RequestsAreTracedButHealthAndServiceInfoEndpointsAreNot()
    {
        await using var app = await TestApp.StartAsync(RecordEveryTrace);

        await app.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        await app.Client.GetAsync("/health/live", TestContext.Current.CancellationToken);
        await app.Client.GetAsync("/.well-known/service-info", TestContext.Current.CancellationToken);
        await app.Client.GetAsync("/hello", TestContext.Current.CancellationToken);
        await app.WaitForServerSpanAsync("/hello");

        var span = Assert.Single(app.ExportedSpans(), s => s.Kind == ActivityKind.Server);
        Assert.Equal("/hello", span.GetTagItem("url.path"));
    }

    [Fact]
    public async Task LogRecordsCarryTheTraceAndSpanOfTheRequest()
    {
        await using var app = await TestApp.StartAsync(map: a => a.MapGet("/orders", (ILogger<TelemetryTests> logger) =>
        {
            logger.LogInformation("Listing orders for {Customer}", "c-42");
            return Activity.Current!.TraceId.ToHexString();
        }));

        var traceId = await app.Client.GetStringAsync("/orders", TestContext.Current.CancellationToken);

        var record = Assert.Single(app.CapturedLogs(), r => r.Message == "Listing orders for c-42");
        Assert.Equal(traceId, record.TraceId);
        Assert.Equal("c-42", record.Attributes["Customer"]);
    }

    [Fact]
    public async Task TheServicesOwnActivitySourceAndMeterAreCollected()
    {
        await using var app = await TestApp.StartAsync(RecordEveryTrace);
        using var source = new ActivitySource("servicedefaults-tests");
        using var meter = new System.Diagnostics.Metrics.Meter("servicedefaults-tests");
        var orders = meter.CreateCounter<long>("orders.placed");

        using (source.StartActivity("place-order"))
        {
            orders.Add(3);
        }

        Assert.Contains(app.ExportedSpans(), s => s.DisplayName == "place-order");
        Assert.Contains(app.ExportedMetrics(), m => m.Name == "orders.placed");
    }

    [Theory]
    [InlineData("Development", null, null)]
    [InlineData("Production", "1", null)]
    [InlineData("Production", "0.01", "always_on")]
    public async Task EveryTraceIsRecordedInDevelopmentWhenAskedOrWhenOtelTracesSamplerSaysSo(string environment, string? ratio, string? sampler)
    {
        await using var app = await TestApp.StartAsync(new() { ["GoldenPath:Telemetry:TraceSampleRatio"] = ratio, ["OTEL_TRACES_SAMPLER"] = sampler }, environment);
        for (var i = 0; i < 40; i++)
        {
            await app.Client.GetAsync("/hello", TestContext.Current.CancellationToken);
        }

        // The test server answers a moment before the request's activity stops: wait for the last spans to end.
        int ServerSpans() => app.ExportedSpans().Count(s => s.Kind == ActivityKind.Server);
        await Poll.UntilAsync(() => Task.FromResult(ServerSpans() >= 40), TimeSpan.FromSeconds(20), "40 server spans");
        Assert.Equal(40, ServerSpans());
    }

    [Fact]
    public async Task ASampleRatioOutsideZeroToOneStopsTheStartWithTheSettingsName()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(new() { ["GoldenPath:Telemetry:TraceSampleRatio"] = "10" }));
        Assert.Contains("GoldenPath:Telemetry:TraceSampleRatio (10) is not between 0 and 1", failure.Message);
    }

    [Fact]
    public async Task RuntimeAndRegistrationMetricsAreCollected()
    {
        await using var app = await TestApp.StartAsync();

        var names = app.ExportedMetrics().Select(m => m.Name).ToHashSet();

        Assert.Contains("dotnet.gc.collections", names);
        Assert.Contains("goldenpath.registration.state", names);
    }

    private static Dictionary<string, object> Resource(TestApp app) =>
        app.App.Services.GetRequiredService<TracerProvider>().GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);

    private static Dictionary<string, string?> RecordEveryTrace => new() { ["GoldenPath:Telemetry:TraceSampleRatio"] = "1" };
}
