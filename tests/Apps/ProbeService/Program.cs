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

var app = builder.Build();
app.MapGoldenPath();
app.MapProbeApi();
await app.RunAsync();
