using GoldenPath.Platform;
using GoldenPath.Platform.Data;
using GoldenPath.Platform.Portal;

var builder = WebApplication.CreateBuilder(args);

builder.AddGoldenPath(options => options.Platform.DisableRegistration = true);
builder.AddPlatformStorage();
builder.AddPlatformServices();
builder.AddPlatformPortal();

var app = builder.Build();

app.MapGoldenPath();
app.UsePlatformApi();
app.MapPlatformPortal();

await app.MigratePlatformStoreAsync();
await app.CheckPortalKeyRingAsync();
await app.RunAsync();

/// <summary>The platform's entry point, visible to the integration tests.</summary>
public partial class Program;
