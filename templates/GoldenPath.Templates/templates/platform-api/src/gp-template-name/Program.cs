using GpTemplateNamespace.Items;

var builder = WebApplication.CreateBuilder(args);

builder.AddGoldenPath();
builder.AddItems();
builder.Services.AddOpenApi();

var app = builder.Build();

app.MapGoldenPath();
app.MapOpenApi();
app.MapItemsApi();

await app.RunAsync();

/// <summary>The entry point, visible to the tests.</summary>
public partial class Program;
