using GoldenPath.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace UserApi.Tests;

/// <summary>The service in-process, against a real PostgreSQL and Redis in containers.</summary>
public sealed class UserApiFixture : IAsyncLifetime
{
    private readonly PostgreSqlContainerFixture _postgres = new();
    private readonly RedisContainerFixture _redis = new();
    private WebApplicationFactory<Program>? _factory;

    public string? RedisConnectionString { get; private set; }

    public string? PostgresConnectionString { get; private set; }

    public async Task<HttpClient> ClientAsync()
    {
        await DockerEngine.RequireAsync();
        return _factory!.CreateClient();
    }

    public async ValueTask InitializeAsync()
    {
        await Task.WhenAll(_postgres.InitializeAsync().AsTask(), _redis.InitializeAsync().AsTask());
        if (!(await DockerEngine.GetStatusAsync()).IsUsable)
        {
            return;
        }

        var postgres = PostgresConnectionString = await _postgres.GetConnectionStringAsync();
        RedisConnectionString = await _redis.GetConnectionStringAsync();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ConnectionStrings:users", postgres);
            builder.UseSetting("ConnectionStrings:cache", RedisConnectionString);
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await _postgres.DisposeAsync();
        await _redis.DisposeAsync();
    }
}
