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
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
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

    /// <summary>The health endpoints answer 200 in Production with their JSON report, the service's dependencies being up.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task HealthEndpointsAnswerInProductionWithJson()
    {
        await using var service = await StartAsync();
        var client = service.CreateClient();

        // A conforming service, started with its dependencies up (GetSettingsAsync), is alive, ready and started: 200.
        foreach (var path in new[] { "/health/live", "/health/ready", "/health/startup" })
        {
            using var response = await client.GetAsync(path, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK,
                $"{path} answered {(int)response.StatusCode}: {body}. With its dependencies up a conforming service answers 200; give it reachable dependencies in GetSettingsAsync.");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using var json = JsonDocument.Parse(body);
            Assert.Contains(json.RootElement.GetProperty("status").GetString(), new[] { "Healthy", "Degraded" });
            Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty("checks").ValueKind);
        }
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

    /// <summary>
    /// In Production, a line logged inside a request reaches the service's console logger as one JSON object with the
    /// request's trace and span, the scopes (the request's and the code's own) and the service's name: the line goes
    /// through the service's real logging pipeline (its logger factory, scopes, redaction and the console formatter it
    /// configured), and only the last step, the console stream, is replaced by a buffer the test reads.
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task LogLinesWrittenInsideARequestAreJsonWithTheRequestsTraceAndScopes()
    {
        var console = new ConsoleCapture();
        await using var service = await StartAsync(configureServices: services =>
        {
            services.AddSingleton<ILoggerProvider>(sp => new ConsoleCaptureProvider(
                sp.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(), sp.GetServices<ConsoleFormatter>(), console));
            services.AddSingleton<IStartupFilter, LoggingEndpoint>();
        });
        var client = service.CreateClient();
        Assert.True(service.Services.GetServices<ILoggerProvider>().OfType<ConsoleLoggerProvider>().Any(),
            "The service has no console logger: something removed the golden path's (e.g. builder.Logging.ClearProviders() after AddGoldenPath()), so its logs never reach standard output.");

        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, LoggingEndpoint.Path);
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var info = JsonDocument.Parse(await client.GetStringAsync("/.well-known/service-info", Ct));

        var text = console.Lines.FirstOrDefault(l => l.Contains(LoggingEndpoint.Message, StringComparison.Ordinal));
        Assert.True(text is not null, $"The line logged inside the request did not reach the console logger. Console lines:\n{string.Join('\n', console.Lines)}");
        JsonDocument line;
        try
        {
            line = JsonDocument.Parse(text);
        }
        catch (JsonException exception)
        {
            throw new Xunit.Sdk.XunitException($"The console line is not JSON ({exception.Message}): {text}");
        }

        using (line)
        {
            var root = line.RootElement;
            Assert.Equal(traceId, root.GetProperty("trace_id").GetString());
            Assert.Matches("^[0-9a-f]{16}$", root.GetProperty("span_id").GetString());
            Assert.Equal(info.RootElement.GetProperty("name").GetString(), root.GetProperty("service.name").GetString());
            var scopes = root.GetProperty("scopes").EnumerateArray().ToList();
            Assert.Contains(scopes, s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("RequestPath", out var path) && path.GetString() == LoggingEndpoint.Path);
            Assert.Contains(scopes, s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("ConformanceCheck", out var check) && check.GetString() == "logs");
        }
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

    private async Task<WebApplicationFactory<TEntryPoint>> StartAsync(IReadOnlyDictionary<string, string?>? extra = null, Action<IServiceCollection>? configureServices = null)
    {
        var settings = await GetSettingsAsync();
        return new WebApplicationFactory<TEntryPoint>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            foreach (var (key, value) in settings.Concat(extra ?? new Dictionary<string, string?>()))
            {
                builder.UseSetting(key, value);
            }

            if (configureServices is not null)
            {
                builder.ConfigureServices(configureServices);
            }
        });
    }
}
