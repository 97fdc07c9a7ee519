using GoldenPath.ServiceDefaults.Registration;

namespace GoldenPath.ServiceDefaults.Tests;

public sealed class DependencyInferenceTests
{
    [Theory]
    [InlineData("db", "Host=pg;Port=5432;Database=orders;Username=app;Password=x", "postgres")]
    [InlineData("db", "Server=pg;Database=orders", "postgres")]
    [InlineData("db", "postgresql://app:x@pg:5432/orders", "postgres")]
    [InlineData("cache", "redis:6379,password=x,ssl=true", "redis")]
    [InlineData("redis", "localhost", "redis")]
    [InlineData("cache", "rediss://:x@cache:6380", "redis")]
    [InlineData("inventory", "https://inventory.internal", "http")]
    [InlineData("queue", "amqp://rabbit", "unknown")]
    public void InfersTheKindFromTheNameAndShapeOnly(string name, string value, string kind) =>
        Assert.Equal(kind, DependencyInference.KindOf(name, value));
}
