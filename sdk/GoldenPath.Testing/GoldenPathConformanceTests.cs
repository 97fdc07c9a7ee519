using System.Diagnostics;
using System.Net;
using System.Text.Json;
using GoldenPath.Catalog;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Xunit;

namespace GoldenPath.Testing;

/// <summary>
/// The golden-path conformance suite. A service's test project derives from it in one line
/// (<c>public sealed class Conformance : GoldenPathConformanceTests&lt;Program&gt;;</c>) and gets tests that run
/// the service in-process and check what the platform relies on: the three health endpoints and their JSON,
/// <c>/.well-known/service-info</c> with a valid identity, the OpenTelemetry resource, JSON log lines with
/// trace ids, and registration with the platform when a URL is set.
/// </summary>
/// <typeparam name="TEntryPoint">The service's <c>Program</c>.</typeparam>
public abstract class GoldenPathConformanceTests<TEntryPoint>
    where TEntryPoint : class
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Settings the service needs to start (connection strings, ...), applied before the golden path's own.</summary>
    /// <returns>The settings.</returns>
    protected virtual ValueTask<IReadOnlyDictionary<string, string?>> GetSettingsAsync() =>
        ValueTask.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());

    /// <summary>The health endpoints answer in Production with their JSON report.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task HealthEndpointsAnswerInProductionWithJson()
    {
        await using var service = await StartAsync();
        var client = service.CreateClient();

        foreach (var path in new[] { "/health/live", "/health/ready", "/health/startup" })
        {
            using var response = await client.GetAsync(path, Ct);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{path} answered {(int)response.StatusCode}");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
            Assert.Contains(json.RootElement.GetProperty("status").GetString(), new[] { "Healthy", "Degraded", "Unhealthy" });
            Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty("checks").ValueKind);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);
    }

    /// <summary><c>/.well-known/service-info</c> shows a valid identity: name rule, owner, system, lifecycle, version.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ServiceInfoShowsAValidIdentity()
    {
        await using var service = await StartAsync();

        using var json = JsonDocument.Parse(await service.CreateClient().GetStringAsync("/.well-known/service-info", Ct));
        var info = json.RootElement;

        var name = info.GetProperty("name").GetString();
        Assert.True(ServiceName.IsValid(name), ServiceName.Validate(name));
        Assert.False(string.IsNullOrWhiteSpace(info.GetProperty("owner").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(info.GetProperty("system").GetString()));
        Assert.Contains(info.GetProperty("lifecycle").GetString(), new[] { "experimental", "production", "deprecated" });
        Assert.False(string.IsNullOrWhiteSpace(info.GetProperty("version").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(info.GetProperty("sdkVersion").GetString()));
    }

    /// <summary>The OpenTelemetry resource names the service as its identity does.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task TheTelemetryResourceCarriesTheIdentity()
    {
        await using var service = await StartAsync();
        using var json = JsonDocument.Parse(await service.CreateClient().GetStringAsync("/.well-known/service-info", Ct));

        var resource = service.Services.GetRequiredService<TracerProvider>().GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);

        Assert.Equal(json.RootElement.GetProperty("name").GetString(), resource["service.name"]);
        Assert.Equal(json.RootElement.GetProperty("system").GetString(), resource["service.namespace"]);
        Assert.Equal(json.RootElement.GetProperty("version").GetString(), resource["service.version"]);
        Assert.Equal(json.RootElement.GetProperty("instanceId").GetString(), resource["service.instance.id"]);
        Assert.Equal(json.RootElement.GetProperty("environment").GetString(), resource["deployment.environment.name"]);
    }

    /// <summary>Outside Development the console writes one JSON object per line with the trace and span of the current activity.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task LogLinesAreJsonWithTraceIds()
    {
        await using var service = await StartAsync();
        var options = service.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        var formatter = service.Services.GetServices<ConsoleFormatter>().Single(f => f.Name == options.FormatterName);
        using var source = new ActivitySource("goldenpath-conformance");
        using var listener = new ActivityListener { ShouldListenTo = s => s.Name == source.Name, Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);
        using var activity = source.StartActivity("conformance")!;

        using var writer = new StringWriter();
        formatter.Write(new LogEntry<string>(LogLevel.Information, "Conformance", new EventId(1), "checked", null, (s, _) => s), null, writer);

        using var line = JsonDocument.Parse(writer.ToString());
        Assert.Equal("checked", line.RootElement.GetProperty("message").GetString());
        Assert.Equal(activity.TraceId.ToHexString(), line.RootElement.GetProperty("trace_id").GetString());
        Assert.Equal(activity.SpanId.ToHexString(), line.RootElement.GetProperty("span_id").GetString());
    }

    /// <summary>With a platform URL set, the service registers itself (a real listener on loopback records the call).</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RegistrationIsAttemptedWhenAPlatformUrlIsSet()
    {
        var calls = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var platformBuilder = WebApplication.CreateSlimBuilder();
        platformBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        platformBuilder.Logging.ClearProviders();
        await using var platform = platformBuilder.Build();
        platform.Map("/api/v1/{**path}", (HttpContext context) =>
        {
            calls.Enqueue($"{context.Request.Method} {context.Request.Path}");
            return Results.Json(new { });
        });
        await platform.StartAsync(Ct);
        var url = platform.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        await using var service = await StartAsync(new Dictionary<string, string?>
        {
            ["GoldenPath:Platform:Url"] = url,
            ["GoldenPath:Platform:AdvertisedUrl"] = "http://conformance.test",
        });
        service.CreateClient();

        static bool IsInstanceRegistration(string call) =>
            call.StartsWith("PUT /api/v1/services/", StringComparison.Ordinal) && call.Contains("/instances/", StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!calls.Any(IsInstanceRegistration) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Ct);
        }

        Assert.Contains(calls, IsInstanceRegistration);
    }

    private async Task<WebApplicationFactory<TEntryPoint>> StartAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = await GetSettingsAsync();
        return new WebApplicationFactory<TEntryPoint>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            foreach (var (key, value) in settings.Concat(extra ?? new Dictionary<string, string?>()))
            {
                builder.UseSetting(key, value);
            }
        });
    }
}
