using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace GoldenPath.ServiceDefaults.Tests;

/// <summary>A golden-path web app on the test server, its spans, log records and metrics kept in memory for the tests to read.</summary>
/// <remarks>
/// Activity listeners are process-wide: every app's tracer provider also sees the server spans of the apps that
/// other test classes run at the same time (same source name, "Microsoft.AspNetCore"). Each app is therefore
/// addressed by a host name of its own, and <see cref="ExportedSpans"/> leaves out the server spans of other hosts.
/// </remarks>
internal sealed class TestApp : IAsyncDisposable
{
    private static int s_apps;
    private HttpClient? _client;

    private TestApp(WebApplication app) => App = app;

    public WebApplication App { get; }

    /// <summary>Gets a client of the test server (the app must have been started).</summary>
    public HttpClient Client => _client ??= App.GetTestClient();

    public FakeTimeProvider? Time { get; private set; }

    /// <summary>Gets the host name the app's client addresses it by, its own among the apps of this process.</summary>
    public string Host { get; private init; } = "";

    public static async Task<TestApp> StartAsync(
        Dictionary<string, string?>? configuration = null,
        string environment = "Production",
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? map = null,
        FakeTimeProvider? time = null,
        bool start = true)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = typeof(TestApp).Assembly.GetName().Name,
        });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(configuration ?? []);
        if (time is not null)
        {
            builder.Services.AddSingleton<TimeProvider>(time);
        }

        var spans = new SpanCollector();
        var metrics = new List<Metric>();
        builder.AddGoldenPath();
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new SimpleActivityExportProcessor(spans)));
        var captured = new CapturingLogProcessor();
        builder.Logging.AddOpenTelemetry(o => o.AddProcessor(captured));
        builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));
        configure?.Invoke(builder);

        var app = builder.Build();
        var host = $"app-{Interlocked.Increment(ref s_apps)}.test";
        app.GetTestServer().BaseAddress = new Uri($"http://{host}/");
        app.MapGoldenPath();
        app.MapGet("/hello", () => "hello");
        map?.Invoke(app);
        var testApp = new TestApp(app) { Time = time, Host = host };
        testApp._spanSource = spans;
        testApp._captured = captured;
        testApp._metricSource = metrics;
        if (start)
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }

        return testApp;
    }

    private SpanCollector _spanSource = new();
    private CapturingLogProcessor _captured = new();
    private List<Metric> _metricSource = [];

    /// <summary>
    /// The spans exported so far (after flushing the tracer provider), without the server spans of other apps
    /// that run in this process at the same time.
    /// </summary>
    public IReadOnlyList<Activity> ExportedSpans()
    {
        App.Services.GetRequiredService<TracerProvider>().ForceFlush();
        return [.. _spanSource.Snapshot().Where(s => s.Kind != ActivityKind.Server || (string?)s.GetTagItem("server.address") == Host)];
    }

    /// <summary>
    /// Waits until a server span for <paramref name="path"/> is exported: the test server hands the response to
    /// the client a moment before the hosting layer stops the request's activity.
    /// </summary>
    public async Task<Activity> WaitForServerSpanAsync(string path)
    {
        Activity? span = null;
        await Poll.UntilAsync(() => Task.FromResult((span = ExportedSpans().LastOrDefault(s => s.Kind == ActivityKind.Server && (string?)s.GetTagItem("url.path") == path)) is not null),
            TimeSpan.FromSeconds(5), $"a server span for {path}");
        return span!;
    }

    /// <summary>The log records exported so far, as they were when logged.</summary>
    public IReadOnlyList<CapturedLog> CapturedLogs() => _captured.Snapshot();

    /// <summary>The metrics collected, after a flush.</summary>
    public IReadOnlyList<Metric> ExportedMetrics()
    {
        App.Services.GetRequiredService<MeterProvider>().ForceFlush();
        return [.. _metricSource];
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        await App.DisposeAsync();
    }
}

/// <summary>
/// Keeps the spans it is given; read with <see cref="Snapshot"/> while requests are still ending (OpenTelemetry's
/// in-memory exporter adds to a plain list without a lock the reader could take).
/// </summary>
internal sealed class SpanCollector : BaseExporter<Activity>
{
    private readonly List<Activity> _spans = [];

    public override ExportResult Export(in Batch<Activity> batch)
    {
        lock (_spans)
        {
            foreach (var span in batch)
            {
                _spans.Add(span);
            }
        }

        return ExportResult.Success;
    }

    public IReadOnlyList<Activity> Snapshot()
    {
        lock (_spans)
        {
            return [.. _spans];
        }
    }
}

/// <summary>A log record as a provider saw it while it was being logged.</summary>
internal sealed record CapturedLog(string? Category, int EventId, Microsoft.Extensions.Logging.LogLevel Level, string Message, string TraceId, IReadOnlyDictionary<string, string?> Attributes);

/// <summary>
/// Copies each log record's values while it is being logged: attribute values (for example the redactor's
/// just-in-time wrappers) are only valid during the call, as for any exporter.
/// </summary>
internal sealed class CapturingLogProcessor : BaseProcessor<LogRecord>
{
    private readonly List<CapturedLog> _logs = [];

    public override void OnEnd(LogRecord data)
    {
        var attributes = (data.Attributes ?? []).GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.Last().Value?.ToString());
        lock (_logs)
        {
            _logs.Add(new CapturedLog(data.CategoryName, data.EventId.Id, data.LogLevel, data.FormattedMessage ?? data.Body ?? "", data.TraceId.ToHexString(), attributes));
        }
    }

    public IReadOnlyList<CapturedLog> Snapshot()
    {
        lock (_logs)
        {
            return [.. _logs];
        }
    }
}
