using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
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

        await Eventually.UntilAsync(
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

        await Eventually.UntilAsync(
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

        await Eventually.UntilAsync(
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

        await Eventually.UntilAsync(
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

    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private OtlpReceiver(WebApplication app) => _app = app;

        /// <summary>
        /// The posts received, each body as Latin-1 text: protobuf keeps strings as plain UTF-8 bytes, so they can be searched.
        /// </summary>
        private readonly ConcurrentQueue<(string Path, string ContentType, string Body)> _posts = [];

        public IEnumerable<string> Paths => _posts.Select(p => p.Path);

        public IEnumerable<string> ContentTypes => _posts.Select(p => p.ContentType);

        public IEnumerable<string> Bodies => _posts.Select(p => p.Body);

        /// <summary>Whether a post to <paramref name="path"/> carried <paramref name="text"/>.</summary>
        public bool Received(string path, string text) => _posts.Any(p => p.Path == path && p.Body.Contains(text, StringComparison.Ordinal));

        /// <summary>The paths posted to, with how often.</summary>
        public override string ToString() => _posts.IsEmpty ? "nothing" : string.Join(", ", Paths.GroupBy(p => p).Select(g => $"{g.Key} x{g.Count()}"));

        public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        /// <summary>Starts an OTLP/HTTP receiver, or with <paramref name="grpc"/> an OTLP/gRPC one (HTTP/2 without TLS, as a collector's port 4317).</summary>
        public static async Task<OtlpReceiver> StartAsync(string url = "http://127.0.0.1:0", bool grpc = false)
        {
            var builder = WebApplication.CreateSlimBuilder();
            if (grpc)
            {
                builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
            }
            else
            {
                builder.WebHost.UseUrls(url);
            }

            var app = builder.Build();
            var receiver = new OtlpReceiver(app);
            async Task RecordAsync(HttpContext context)
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                receiver._posts.Enqueue((context.Request.Path, context.Request.ContentType ?? "", System.Text.Encoding.Latin1.GetString(body.ToArray())));
            }

            app.MapPost("/v1/{signal}", async (HttpContext context) =>
            {
                await RecordAsync(context);
                return Results.Ok();
            });

            // gRPC: /opentelemetry.proto.collector.{trace|metrics|logs}.v1.{Service}/Export; the answer is an empty
            // Export*ServiceResponse in gRPC's framing (no compression, length 0) and the OK status in the trailers.
            app.MapPost("/{service}/Export", async (HttpContext context) =>
            {
                await RecordAsync(context);
                context.Response.ContentType = "application/grpc";
                await context.Response.Body.WriteAsync(new byte[5], context.RequestAborted);
                context.Response.AppendTrailer("grpc-status", "0");
            });
            await app.StartAsync(TestContext.Current.CancellationToken);
            return receiver;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    [LoggerMessage(LogLevel.Warning, "Signed up {Email} on {Plan}")]
    private static partial void LogSignup(ILogger logger, [PersonalData] string email, string plan);
}
