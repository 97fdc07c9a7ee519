using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace GoldenPath.ServiceDefaults.Tests;

/// <summary>
/// What docs/service-defaults.md promises, read from a real golden-path service (tests/Apps/ProbeService) running
/// as its own process in Production: its standard output, HTTP answers over a socket, the OTLP posts a real
/// receiver got and the calls a platform listener got. In-process tests of the parts cannot see what the
/// process really writes (a formatter tested without scopes passed while every request's logs were dropped).
/// </summary>
public sealed class RunningServiceTests(RunningServiceTests.WebProbe probe) : IClassFixture<RunningServiceTests.WebProbe>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARequestsLogLinesReachStandardOutputAsJsonWithItsTraceSpanScopesAndTheService()
    {
        var (traceId, parentSpanId) = await probe.GetAsync("/work");

        var plain = await probe.Service.LogLineAsync("plain line", traceId);
        Assert.Equal("Information", plain.GetProperty("level").GetString());
        Assert.Equal("Program", plain.GetProperty("category").GetString());
        Assert.Equal(traceId, plain.GetProperty("trace_id").GetString());
        var spanId = plain.GetProperty("span_id").GetString()!;
        Assert.Matches("^[0-9a-f]{16}$", spanId);
        Assert.NotEqual(parentSpanId, spanId); // the server span of the request, a child of the caller's
        Assert.Equal(parentSpanId, plain.GetProperty("parent_span_id").GetString());
        // The trace context once, at the top level: not again as a scope of ids (the host's activity tracking) on every line.
        Assert.DoesNotContain(Scopes(plain), s => s.ValueKind == JsonValueKind.Object && (s.TryGetProperty("TraceId", out _) || s.TryGetProperty("SpanId", out _)));
        Assert.Equal("probe-service", plain.GetProperty("service.name").GetString());
        Assert.Equal("probe-1", plain.GetProperty("service.instance.id").GetString());
        Assert.False(string.IsNullOrEmpty(plain.GetProperty("service.version").GetString()));
        Assert.Contains(Scopes(plain), s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("RequestPath", out var path) && path.GetString() == "/work");

        var order = await probe.Service.LogLineAsync("Took order 42", traceId);
        Assert.Equal(traceId, order.GetProperty("trace_id").GetString());
        Assert.Equal(spanId, order.GetProperty("span_id").GetString());
        Assert.Equal("Took order {OrderId} for {Amount}", order.GetProperty("template").GetString());
        Assert.Equal(42, order.GetProperty("attributes").GetProperty("OrderId").GetInt32());
        Assert.Equal(19.5m, order.GetProperty("attributes").GetProperty("Amount").GetDecimal());
        var scopes = Scopes(order);
        var request = Array.FindIndex(scopes, s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("RequestPath", out _));
        var orderScope = Array.FindIndex(scopes, s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("OrderId", out var id) && id.GetInt32() == 42);
        var tenant = Array.FindIndex(scopes, s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("Tenant", out var t) && t.GetString() == "tenant-1");
        Assert.True(request >= 0 && request < orderScope && orderScope < tenant, $"Expected the request's scope, then the order's, then the tenant's, outermost first: {order}");
        Assert.Equal("c-7", scopes[orderScope].GetProperty("Customer").GetString());
    }

    [Fact]
    public async Task ALineWithValuesThatCannotBeWrittenAsTheyAreIsStillOneValidJsonLine()
    {
        await probe.GetAsync("/odd");

        var odd = await probe.Service.LogLineAsync("odd value");
        Assert.Equal("Warning", odd.GetProperty("level").GetString());
        Assert.Contains("threw InvalidOperationException: no text for this value", odd.GetProperty("attributes").GetProperty("Odd").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"quoted\"\t\u0001 with a line\nbreak", odd.GetProperty("template").GetString(), StringComparison.Ordinal);
        Assert.Contains(Scopes(odd), s => s.ValueKind == JsonValueKind.String && s.GetString()!.Contains("threw InvalidOperationException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryLineOnStandardOutputIsOneJsonObject()
    {
        await probe.GetAsync("/work");
        await probe.GetAsync("/odd");
        await probe.Service.LogLineAsync("odd value");

        Assert.All(probe.Service.StandardOutput, line => Assert.Equal(JsonValueKind.Object, ServiceProcess.Json(line).ValueKind));
    }

    [Fact]
    public async Task ClassifiedValuesReachNeitherStandardOutputNorTheCollector()
    {
        await probe.GetAsync("/signup");

        var line = await probe.Service.LogLineAsync("Signed up");
        Assert.Equal("premium", line.GetProperty("attributes").GetProperty("Plan").GetString());
        Assert.Equal("", line.GetProperty("attributes").GetProperty("Email").GetString());
        await Poll.UntilAsync(() => Task.FromResult(probe.Receiver.Received("/v1/logs", "Signed up")), TimeSpan.FromSeconds(20), () => $"the sign-up log record at the collector (got: {probe.Receiver})");
        Assert.DoesNotContain(probe.Service.StandardOutput, l => l.Contains("jane@example.com", StringComparison.Ordinal));
        Assert.DoesNotContain(probe.Receiver.Bodies, b => b.Contains("jane@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUnhandledExceptionIsAProblemWithTheTraceIdAndNoDetailAndItsLogLineCarriesTheException()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/boom");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await probe.Service.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains(traceId, body, StringComparison.Ordinal);
        Assert.DoesNotContain("the secret detail", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);

        var line = await probe.Service.LogLineAsync("the secret detail", traceId);
        Assert.Equal("Error", line.GetProperty("level").GetString());
        Assert.Equal(traceId, line.GetProperty("trace_id").GetString());
        Assert.Equal("System.InvalidOperationException", line.GetProperty("exception.type").GetString());
        Assert.Contains(Scopes(line), s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("RequestPath", out var path) && path.GetString() == "/boom");
    }

    [Fact]
    public async Task HealthEndpointsAnswerOverHttpWithTheirJsonReport()
    {
        foreach (var path in new[] { "/health/live", "/health/ready", "/health/startup", "/health" })
        {
            using var response = await probe.Service.Http.GetAsync(path, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
            Assert.Contains(json.RootElement.GetProperty("status").GetString(), path == "/health" ? ["Healthy", "Degraded"] : new[] { "Healthy" });
            Assert.True(json.RootElement.TryGetProperty("totalDurationMs", out _), $"{path}: no totalDurationMs");
        }

        using var all = JsonDocument.Parse(await probe.Service.Http.GetStringAsync("/health", Ct));
        Assert.True(all.RootElement.GetProperty("checks").TryGetProperty("platform-registration", out _), all.RootElement.ToString());
        using var ready = JsonDocument.Parse(await probe.Service.Http.GetStringAsync("/health/ready", Ct));
        Assert.False(ready.RootElement.GetProperty("checks").TryGetProperty("platform-registration", out _), "registration must never decide readiness");
        using var head = new HttpRequestMessage(HttpMethod.Head, "/health/live");
        Assert.Equal(HttpStatusCode.OK, (await probe.Service.Http.SendAsync(head, Ct)).StatusCode);
    }

    [Fact]
    public async Task ServiceInfoShowsTheEmbeddedIdentity()
    {
        using var info = JsonDocument.Parse(await probe.Service.Http.GetStringAsync("/.well-known/service-info", Ct));

        Assert.Equal("probe-service", info.RootElement.GetProperty("name").GetString());
        Assert.Equal("team-platform", info.RootElement.GetProperty("owner").GetString());
        Assert.Equal("goldenpath-tests", info.RootElement.GetProperty("system").GetString());
        Assert.Equal("production", info.RootElement.GetProperty("environment").GetString());
        Assert.Equal("probe-1", info.RootElement.GetProperty("instanceId").GetString());
    }

    [Fact]
    public async Task ARequestsSpanMetricsAndLogsReachARealOtlpReceiver()
    {
        var (traceId, _) = await probe.GetAsync("/work");
        var traceIdBytes = Bytes(traceId);

        await Poll.UntilAsync(
            () => Task.FromResult(probe.Receiver.Received("/v1/traces", traceIdBytes)
                && probe.Receiver.Received("/v1/logs", "plain line")
                && probe.Receiver.Received("/v1/logs", traceIdBytes) // the request's records carry its trace in their own fields
                && probe.Receiver.Received("/v1/metrics", "http.server.request.duration")),
            TimeSpan.FromSeconds(20), () => $"the request's span, its log records and metrics at the receiver (got: {probe.Receiver})");
        Assert.All(probe.Receiver.Bodies, b => Assert.Contains("probe-service", b, StringComparison.Ordinal));
        // ... and not again as attributes of the host's activity-tracking scope.
        Assert.False(probe.Receiver.Received("/v1/logs", "ParentId"), "log records repeat the trace context as attributes (SpanId, TraceId, ParentId)");
        Assert.False(probe.Receiver.Received("/v1/traces", "/health/"), "health probes must not be traced");
    }

    [Fact]
    public async Task ARequestThatArrivesInAnUnsampledTraceIsNotExportedOneThatArrivesSampledIs()
    {
        var unsampled = ActivityTraceId.CreateRandom().ToHexString();
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/work"))
        {
            request.Headers.Add("traceparent", $"00-{unsampled}-{ActivitySpanId.CreateRandom().ToHexString()}-00");
            using var response = await probe.Service.Http.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var (sampled, _) = await probe.GetAsync("/work");

        // Spans leave in the order they end: once the later, sampled one is at the receiver, the earlier one would be too.
        await Poll.UntilAsync(() => Task.FromResult(probe.Receiver.Received("/v1/traces", Bytes(sampled))), TimeSpan.FromSeconds(20),
            () => $"the sampled request's span at the receiver (got: {probe.Receiver})");
        Assert.False(probe.Receiver.Received("/v1/traces", Bytes(unsampled)), "the request that arrived unsampled was exported");
        Assert.Equal(unsampled, (await probe.Service.LogLineAsync("plain line", unsampled)).GetProperty("trace_id").GetString());
    }

    [Fact]
    public async Task InProductionOneRootTraceInTenIsExported()
    {
        // Requests that arrive without a traceparent start traces of their own; each one's trace id is on its "plain line".
        var before = probe.Service.StandardOutput.Count;
        for (var i = 0; i < 300; i++)
        {
            using var response = await probe.Service.Http.GetAsync("/work", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Poll.UntilAsync(() => Task.FromResult(RootTraces().Count == 300), TimeSpan.FromSeconds(20), () => $"300 request log lines (got {RootTraces().Count})");
        var (marker, _) = await probe.GetAsync("/work");
        await Poll.UntilAsync(() => Task.FromResult(probe.Receiver.Received("/v1/traces", Bytes(marker))), TimeSpan.FromSeconds(20),
            () => $"the marker request's span at the receiver (got: {probe.Receiver})");

        // Spans leave in the order they end, so every recorded root trace is at the receiver by now. Trace ids are
        // random: 300 roots at one in ten record 30 on average; 8..70 is more than four deviations wide. (In a test
        // process this cannot be counted: activity listeners are process-wide, and another app's always-on sampler
        // records the activities this one's sampler would drop.)
        var exported = RootTraces().Count(t => probe.Receiver.Received("/v1/traces", Bytes(t)));
        Assert.InRange(exported, 8, 70);

        List<string> RootTraces() =>
            [.. probe.Service.StandardOutput.Skip(before).Where(l => l.Contains("\"plain line\"", StringComparison.Ordinal))
                .Select(l => ServiceProcess.Json(l).GetProperty("trace_id").GetString()!).Distinct()];
    }

    [Fact]
    public async Task TheInstanceRegistersWithThePlatformAndHeartbeats()
    {
        await Poll.UntilAsync(() => Task.FromResult(probe.Platform.Count("PUT", "/instances/probe-1") >= 2), TimeSpan.FromSeconds(20),
            () => $"a registration and a heartbeat (calls: {string.Join(", ", probe.Platform.Calls.Select(c => $"{c.Method} {c.Path}"))})");

        var registration = probe.Platform.Calls.First(c => c.Method == "PUT" && c.Path.EndsWith("/instances/probe-1", StringComparison.Ordinal));
        Assert.Equal("/api/v1/services/probe-service/instances/probe-1", registration.Path);
        Assert.Equal("http://probe.test/health/ready", registration.Json.GetProperty("health").GetProperty("ready").GetString());
        Assert.Equal("production", registration.Json.GetProperty("environment").GetString());
    }

    /// <summary>A trace id as protobuf carries it (16 raw bytes), as text the receiver can search.</summary>
    private static string Bytes(string traceId) => System.Text.Encoding.Latin1.GetString(Convert.FromHexString(traceId));

    private static JsonElement[] Scopes(JsonElement line) =>
        line.TryGetProperty("scopes", out var scopes) ? [.. scopes.EnumerateArray()] : throw new Xunit.Sdk.XunitException($"No scopes on the line: {line}");

    /// <summary>The probe in web mode, with a platform listener and an OTLP receiver, shared by the tests of this class.</summary>
    public sealed class WebProbe : IAsyncLifetime
    {
        internal ServiceProcess Service { get; private set; } = null!;

        internal FakePlatform Platform { get; private set; } = null!;

        internal OtlpReceiver Receiver { get; private set; } = null!;

        /// <summary>Sends a GET in a new sampled trace (a <c>traceparent</c> header, as a caller's instrumentation sends); returns the trace and the caller's span.</summary>
        public async Task<(string TraceId, string ParentSpanId)> GetAsync(string path)
        {
            var traceId = ActivityTraceId.CreateRandom().ToHexString();
            var parentSpanId = ActivitySpanId.CreateRandom().ToHexString();
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("traceparent", $"00-{traceId}-{parentSpanId}-01");
            using var response = await Service.Http.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (traceId, parentSpanId);
        }

        public async ValueTask InitializeAsync()
        {
            Platform = await FakePlatform.StartedAsync();
            Receiver = await OtlpReceiver.StartAsync();
            Service = await Probe.StartWebAsync(new Dictionary<string, string?>
            {
                ["GoldenPath__Service__InstanceId"] = "probe-1",
                ["GoldenPath__Platform__Url"] = Platform.Url,
                ["GoldenPath__Platform__AdvertisedUrl"] = "http://probe.test",
                ["GoldenPath__Platform__HeartbeatInterval"] = "00:00:01",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Receiver.Url,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
                ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            });
            await Service.WaitUntilReadyAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await Service.DisposeAsync();
            await Receiver.DisposeAsync();
            await Platform.DisposeAsync();
        }
    }
}
