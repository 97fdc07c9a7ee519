using GpTemplateNamespace.Work;

// A worker: it does its work in the background; its small web listener serves only its probes and /work/status.
var builder = WebApplication.CreateBuilder(args);

builder.AddGoldenPath();
#if (aot)
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, GpTemplateNamespace.JsonContext.Default));
#endif
builder.AddWork();

var app = builder.Build();

app.MapGoldenPath();
app.MapWorkStatus();

await app.RunAsync();

/// <summary>The entry point, visible to the tests.</summary>
public partial class Program;
