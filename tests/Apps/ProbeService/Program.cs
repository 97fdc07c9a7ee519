using OpenTelemetry.Metrics;
using ProbeService;

// `web` (the default): an API whose endpoints log the way services do. `worker`: a generic host whose background
// service handles one work item inside a scope and a span continuing the trace in `Probe:TraceParent`.
if (args.FirstOrDefault() == "worker")
{
    var worker = Host.CreateApplicationBuilder(args[1..]);
    worker.AddGoldenPath();
    worker.Services.AddHostedService<ProbeWorker>();
    await worker.Build().RunAsync();
    return;
}

var builder = WebApplication.CreateBuilder(args.FirstOrDefault() == "web" ? args[1..] : args);
builder.AddGoldenPath();
// Probe:PrometheusEndpoint=true also serves the golden-path metrics at /metrics for a Prometheus to scrape: the
// observability tests' Prometheus (Debian's build) has no OTLP receiver. The scrapes are left out of the HTTP metrics.
var scraped = builder.Configuration.GetValue<bool>("Probe:PrometheusEndpoint");
if (scraped)
{
    builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddPrometheusExporter());
}

var app = builder.Build();
app.MapGoldenPath();
app.MapProbeApi();
if (scraped)
{
    app.MapPrometheusScrapingEndpoint().DisableHttpMetrics();
}

await app.RunAsync();
