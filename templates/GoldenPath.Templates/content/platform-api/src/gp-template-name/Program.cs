using GpTemplateNamespace.Items;

var builder = WebApplication.CreateBuilder(args);

builder.AddGoldenPath();
#if (aot)
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, GpTemplateNamespace.JsonContext.Default));
#endif
builder.AddItems();
builder.Services.AddOpenApi();

var app = builder.Build();

app.MapGoldenPath();
app.MapOpenApi();
app.MapItemsApi();

await app.RunAsync();

/// <summary>The entry point, visible to the tests.</summary>
public partial class Program;
