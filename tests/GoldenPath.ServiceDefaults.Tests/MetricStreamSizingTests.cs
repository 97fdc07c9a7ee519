using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GoldenPath.ServiceDefaults.Tests;

/// <summary>
/// The golden path sizes the metric streams of instruments with few, known tag sets (the runtime's, Kestrel's
/// connection counters, the memory pool's, its own) instead of for OpenTelemetry's default 2,000 tag sets: what an
/// OTLP receiver gets must not change.
/// </summary>
public sealed class MetricStreamSizingTests
{
    // More tag sets than the largest limit the golden path sets (100, Kestrel's connection counters).
    private const int StatusCodes = 110;

    // ASP.NET Core's advice for http.server.request.duration (HostingMetrics), the semantic conventions' boundaries.
    private static readonly double[] s_requestDurationAdvice = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    [Fact]
    public async Task SizedInstrumentsExportEveryPointWithTheirNameAndUnitAndTheRequestHistogramKeepsItsBucketsAndItsDefaultLimit()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(
            new()
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Url,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            },
            map: app => app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code)));

        // A tag set per status code for the request instruments: more than any sized stream would hold.
        for (var code = 200; code < 200 + StatusCodes; code++)
        {
            using var response = await app.Client.GetAsync($"/status/{code}", TestContext.Current.CancellationToken);
            Assert.Equal(code, (int)response.StatusCode);
        }

        IReadOnlyList<OtlpMetric> Latest() => receiver.BodiesOf("/v1/metrics").Select(OtlpMetrics.Parse).LastOrDefault() ?? [];
        static OtlpMetric? Find(IReadOnlyList<OtlpMetric> metrics, string name) => metrics.FirstOrDefault(m => m.Name == name);
        IReadOnlyList<OtlpMetric> metrics = [];
        await Poll.UntilAsync(
            () =>
            {
                metrics = Latest();
                var requestPoints = Find(metrics, "http.server.request.duration")?.Points ?? [];
                return Task.FromResult((requestPoints.Count(p => p.Attributes.ContainsKey("http.response.status_code")) >= StatusCodes || requestPoints.Any(p => p.Attributes.ContainsKey("otel.metric.overflow")))
                    && Find(metrics, "goldenpath.registration.state") is not null
                    && Find(metrics, "http.server.active_requests") is not null
                    && Find(metrics, "dotnet.gc.collections") is not null
                    && Find(metrics, "dotnet.process.cpu.time") is not null);
            },
            TimeSpan.FromSeconds(30),
            () => $"an export with the {StatusCodes} status codes' request durations (or their overflow), the registration state and the runtime's metrics (got: {string.Join(", ", metrics.Select(m => $"{m.Name} x{m.Points.Count}"))}; posts: {receiver})");

        // Nothing overflowed: no stream, sized or not, folded a tag set into OpenTelemetry's overflow point.
        Assert.DoesNotContain(metrics.SelectMany(m => m.Points.Select(p => (m.Name, p))), x => x.p.Attributes.ContainsKey("otel.metric.overflow"));

        // The request histogram: every status code its own point, with ASP.NET Core's advised buckets.
        var requests = Find(metrics, "http.server.request.duration")!;
        Assert.Equal(("Microsoft.AspNetCore.Hosting", "s", "histogram"), (requests.Scope, requests.Unit, requests.Kind));
        Assert.Equal(Enumerable.Range(200, StatusCodes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            requests.Points.Where(p => p.Attributes.GetValueOrDefault("http.route") == "/status/{code:int}").Select(p => p.Attributes["http.response.status_code"]).Order(StringComparer.Ordinal));
        Assert.All(requests.Points, p => Assert.Equal(s_requestDurationAdvice, p.Bounds));

        // Sized streams: the runtime's (a point per GC generation, per CPU mode), active requests (per method and scheme) and the golden path's own (a point per state).
        var collections = Find(metrics, "dotnet.gc.collections")!;
        Assert.Equal(("System.Runtime", "{collection}", "sum"), (collections.Scope, collections.Unit, collections.Kind));
        Assert.Equal(["gen0", "gen1", "gen2"], collections.Points.Select(p => p.Attributes["gc.heap.generation"]).Order(StringComparer.Ordinal));
        var cpu = Find(metrics, "dotnet.process.cpu.time")!;
        Assert.Equal(("System.Runtime", "s", "sum"), (cpu.Scope, cpu.Unit, cpu.Kind));
        Assert.Equal(["system", "user"], cpu.Points.Select(p => p.Attributes["cpu.mode"]).Order(StringComparer.Ordinal));
        var active = Find(metrics, "http.server.active_requests")!;
        Assert.Equal(("Microsoft.AspNetCore.Hosting", "{request}", "sum"), (active.Scope, active.Unit, active.Kind));
        Assert.Contains(active.Points, p => p.Attributes.GetValueOrDefault("http.request.method") == "GET" && p.Attributes.GetValueOrDefault("url.scheme") == "http");
        var state = Find(metrics, "goldenpath.registration.state")!;
        Assert.Equal((GoldenPathTelemetry.MeterName, "{state}", "gauge"), (state.Scope, state.Unit, state.Kind));
        Assert.Equal(Enum.GetValues<RegistrationState>().Length, state.Points.Select(p => p.Attributes["state"]).Distinct().Count());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ASizedStreamFoldsTagSetsPastItsLimitIntoTheOverflowPointWithoutLosingMeasurementsUnlessSizingIsOff(bool disableSizing)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["GoldenPath:Telemetry:DisableMetricStreamSizing"] = disableSizing ? "true" : "false",
        });

        // An instrument of GoldenPath's own meter (sized for 16 tag sets) given 20: meters are process-wide, so the name is this test's own.
        using var meter = new System.Diagnostics.Metrics.Meter(GoldenPathTelemetry.MeterName);
        var name = $"goldenpath.test_{Guid.NewGuid():N}";
        var counter = meter.CreateCounter<long>(name, unit: "{thing}");
        for (var i = 0; i < 20; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("k", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        OtlpMetric? exported = null;
        await Poll.UntilAsync(
            () => Task.FromResult((exported = receiver.BodiesOf("/v1/metrics").Select(OtlpMetrics.Parse).LastOrDefault()?.FirstOrDefault(m => m.Name == name)) is not null),
            TimeSpan.FromSeconds(30), () => $"an export of {name} (posts: {receiver})");

        Assert.Equal(("{thing}", "sum"), (exported!.Unit, exported.Kind));
        Assert.Equal(20, exported.Points.Sum(p => p.Value));
        var overflow = exported.Points.Where(p => p.Attributes.GetValueOrDefault("otel.metric.overflow") == "true").ToList();
        if (disableSizing)
        {
            Assert.Empty(overflow);
            Assert.Equal(20, exported.Points.Count);
        }
        else
        {
            Assert.Equal(4, Assert.Single(overflow).Value);
            Assert.Equal(16, exported.Points.Count(p => p.Attributes.ContainsKey("k")));
        }
    }
}
