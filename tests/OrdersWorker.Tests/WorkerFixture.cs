using System.Globalization;
using GoldenPath.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using StackExchange.Redis;

namespace OrdersWorker.Tests;

/// <summary>
/// The worker in-process against a real PostgreSQL and Redis. One order is placed before the worker starts,
/// to show that orders placed while no worker ran are not lost.
/// </summary>
public sealed class WorkerFixture : IAsyncLifetime
{
    private readonly PostgreSqlContainerFixture _postgres = new();
    private readonly RedisContainerFixture _redis = new();
    private WebApplicationFactory<Program>? _factory;

    public Guid EarlyOrderId { get; } = Guid.NewGuid();

    public string PostgresConnectionString { get; private set; } = "";

    public string RedisConnectionString { get; private set; } = "";

    public HttpClient Client { get; private set; } = null!;

    public async Task RequireAsync() => await DockerEngine.RequireAsync();

    public async ValueTask InitializeAsync()
    {
        await Task.WhenAll(_postgres.InitializeAsync().AsTask(), _redis.InitializeAsync().AsTask());
        if (!(await DockerEngine.GetStatusAsync()).IsUsable)
        {
            return;
        }

        PostgresConnectionString = await _postgres.GetConnectionStringAsync();
        RedisConnectionString = await _redis.GetConnectionStringAsync();
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(RedisConnectionString))
        {
            await redis.GetDatabase().StreamAddAsync("orders", Order(EarlyOrderId, Guid.NewGuid(), "3"));
        }

        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ConnectionStrings:orders", PostgresConnectionString);
            builder.UseSetting("ConnectionStrings:cache", RedisConnectionString);
        });
        Client = _factory.CreateClient();
    }

    public static NameValueEntry[] Order(Guid orderId, Guid userId, string amount) =>
    [
        new("orderId", orderId.ToString()), new("userId", userId.ToString()),
        new("amount", amount), new("placedAt", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
    ];

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
