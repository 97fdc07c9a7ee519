using OrdersWorker;

// A worker: it consumes order events; its small web listener serves only its probes and order lookups.
var builder = WebApplication.CreateBuilder(args);

builder.AddGoldenPath();
builder.AddOrdersProcessing();

var app = builder.Build();

app.MapGoldenPath();
app.MapOrdersLookup();

await app.RunAsync();

/// <summary>The entry point, visible to the tests.</summary>
public partial class Program;
