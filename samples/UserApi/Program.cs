using UserApi.Data;
using UserApi.Users;

var builder = WebApplication.CreateBuilder(args);

builder.AddGoldenPath();
builder.AddUserStore();
builder.Services.AddOpenApi();

var app = builder.Build();

app.MapGoldenPath();
app.MapOpenApi();
app.MapUsersApi();

await app.MigrateUserStoreAsync();
await app.RunAsync();

/// <summary>The entry point, visible to the tests.</summary>
public partial class Program;
