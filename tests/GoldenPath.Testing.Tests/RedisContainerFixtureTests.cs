using StackExchange.Redis;

namespace GoldenPath.Testing.Tests;

public sealed class RedisContainerFixtureTests(RedisContainerFixture redis) : IClassFixture<RedisContainerFixture>
{
    [Fact]
    public async Task SetsAndGetsAKeyThroughARealServer()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(await redis.GetConnectionStringAsync());
        var database = connection.GetDatabase();

        Assert.True(await database.StringSetAsync("goldenpath:round-trip", "orders-api", TimeSpan.FromMinutes(1)));
        Assert.Equal("orders-api", (string?)await database.StringGetAsync("goldenpath:round-trip"));
        Assert.True(await database.KeyTimeToLiveAsync("goldenpath:round-trip") > TimeSpan.Zero);
    }

    [Fact]
    public async Task AppendsToAndReadsAStream()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(await redis.GetConnectionStringAsync());
        var database = connection.GetDatabase();

        var id = await database.StreamAddAsync("goldenpath:orders", [new NameValueEntry("order", "o-1"), new NameValueEntry("user", "u-7")]);
        var entries = await database.StreamRangeAsync("goldenpath:orders");

        var entry = Assert.Single(entries);
        Assert.Equal(id, entry.Id);
        Assert.Equal("o-1", (string?)entry["order"]);
    }
}
