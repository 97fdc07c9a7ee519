using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace GoldenPath.ServiceDefaults.Tests;

public sealed partial class OtlpExportTests
{
    [Fact]
    public async Task WithAnEndpointConfiguredTracesMetricsAndLogsReachARealOtlpReceiver()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(FastExport(receiver));

        await app.Client.GetAsync("/hello", TestContext.Current.CancellationToken);
        LogSignup(app.App.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Accounts"), "jane@example.com", "premium-plan");

        await Poll.UntilAsync(
            () => Task.FromResult(receiver.Received("/v1/traces", app.Host) && receiver.Received("/v1/metrics", "http.server.request.duration") && receiver.Received("/v1/logs", "premium-plan")),
            TimeSpan.FromSeconds(20), () => $"the request's span, its metrics and the log record posted to /v1/traces, /v1/metrics and /v1/logs (got: {receiver})");
        Assert.All(receiver.ContentTypes, ct => Assert.Equal("application/x-protobuf", ct));
        Assert.Contains(receiver.Bodies, b => b.Contains("servicedefaults-tests", StringComparison.Ordinal));
        Assert.DoesNotContain(receiver.Bodies, b => b.Contains("jane@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OverGrpcAsTheAspireDashboardTakesItTracesMetricsAndLogsReachARealReceiver()
    {
        // gRPC is OTLP's default protocol and what Aspire's dashboard is given: HTTP/2 without TLS, through the exporter's own clients.
        await using var receiver = await OtlpReceiver.StartAsync(grpc: true);
        var settings = FastExport(receiver);
        settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
        await using var app = await TestApp.StartAsync(settings);

        await app.Client.GetAsync("/hello", TestContext.Current.CancellationToken);

        await Poll.UntilAsync(
            () => Task.FromResult(receiver.Received("/opentelemetry.proto.collector.trace.v1.TraceService/Export", app.Host)
                && receiver.Received("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", "http.server.request.duration")
                && receiver.Received("/opentelemetry.proto.collector.logs.v1.LogsService/Export", "servicedefaults-tests")),
            TimeSpan.FromSeconds(20), () => $"gRPC exports of the request's span, its metrics and logs (got: {receiver})");
        Assert.All(receiver.ContentTypes, ct => Assert.Equal("application/grpc", ct));
        Assert.Contains(receiver.Bodies, b => b.Contains("servicedefaults-tests", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheExporterPostsPastTheApplicationsHttpClientDefaults()
    {
        // The app's defaults (resilience, service discovery, and here a recording handler) are for calls between services.
        await using var receiver = await OtlpReceiver.StartAsync();
        var sent = new ConcurrentBag<Uri>();
        await using var app = await TestApp.StartAsync(FastExport(receiver), configure: b => b.Services.ConfigureHttpClientDefaults(http => http.AddHttpMessageHandler(() => new RecordingHandler(sent))));

        await app.Client.GetAsync("/hello", TestContext.Current.CancellationToken);

        await Poll.UntilAsync(
            () => Task.FromResult(receiver.Received("/v1/traces", app.Host) && receiver.Received("/v1/metrics", "http.server.request.duration") && receiver.Received("/v1/logs", "servicedefaults-tests")),
            TimeSpan.FromSeconds(20), () => $"the request's span, its metrics and logs posted to /v1/traces, /v1/metrics and /v1/logs (got: {receiver})");
        Assert.DoesNotContain(sent, uri => uri.AbsoluteUri.StartsWith(receiver.Url, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithAPerSignalTimeoutTheExporterChoosesItsClientsAsWithoutTheGoldenPath()
    {
        // A per-signal timeout (like a client certificate) needs the exporter's own choice: IHttpClientFactory's named clients.
        await using var receiver = await OtlpReceiver.StartAsync();
        var sent = new ConcurrentBag<Uri>();
        var settings = FastExport(receiver);
        settings["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"] = "4000";
        await using var app = await TestApp.StartAsync(settings, configure: b => b.Services.ConfigureHttpClientDefaults(http => http.AddHttpMessageHandler(() => new RecordingHandler(sent))));

        await app.Client.GetAsync("/hello", TestContext.Current.CancellationToken);

        await Poll.UntilAsync(
            () => Task.FromResult(sent.Any(uri => uri.AbsolutePath == "/v1/traces") && receiver.Received("/v1/traces", app.Host)),
            TimeSpan.FromSeconds(20), () => $"the request's span exported through the application's client defaults (sent: {string.Join(", ", sent.GroupBy(u => u.AbsolutePath).Select(g => $"{g.Key} x{g.Count()}"))}; received: {receiver})");
    }

    private static Dictionary<string, string?> FastExport(OtlpReceiver receiver) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Url,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",

        // Outside Development one trace in ten is kept: these tests look for the trace of their one request.
        ["GoldenPath:Telemetry:TraceSampleRatio"] = "1",
    };

    /// <summary>Records each request's address; the exporter sends synchronously where it can, so both paths are recorded.</summary>
    private sealed class RecordingHandler(ConcurrentBag<Uri> sent) : DelegatingHandler
    {
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            sent.Add(request.RequestUri!);
            return base.Send(request, cancellationToken);
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            sent.Add(request.RequestUri!);
            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task WithoutAnEndpointNothingIsSentEvenToTheDefaultOtlpPort()
    {
        // An exporter left on by mistake would post to OTLP/HTTP's default address, http://localhost:4318.
        await using var receiver = await OtlpReceiver.StartAsync("http://localhost:4318");
        await using var app = await TestApp.StartAsync(new() { ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf" });

        await app.Client.GetAsync("/hello", TestContext.Current.CancellationToken);
        app.App.Services.GetRequiredService<ILogger<OtlpExportTests>>().LogWarning("keep me local");
        app.App.Services.GetRequiredService<TracerProvider>().ForceFlush();
        app.App.Services.GetRequiredService<MeterProvider>().ForceFlush();
        app.App.Services.GetRequiredService<LoggerProvider>().ForceFlush();

        Assert.Empty(receiver.Paths);
    }

    [LoggerMessage(LogLevel.Warning, "Signed up {Email} on {Plan}")]
    private static partial void LogSignup(ILogger logger, [PersonalData] string email, string plan);
}
