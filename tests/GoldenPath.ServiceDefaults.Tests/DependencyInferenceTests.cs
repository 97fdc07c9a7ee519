using GoldenPath.ServiceDefaults.Registration;

namespace GoldenPath.ServiceDefaults.Tests;

public sealed class DependencyInferenceTests
{
    [Theory]
    [InlineData("db", "Host=pg;Port=5432;Database=orders;Username=app;Password=x", "postgres")]
    [InlineData("db", "Server=pg;Database=orders", "postgres")]
    [InlineData("db", "postgresql://app:x@pg:5432/orders", "postgres")]
    [InlineData("db", "Server=pg-1,pg-2;Database=orders;Username=app", "postgres")]
    [InlineData("cache", "redis:6379,password=x,ssl=true", "redis")]
    [InlineData("redis", "localhost", "redis")]
    [InlineData("cache", "rediss://:x@cache:6380", "redis")]
    [InlineData("inventory", "https://inventory.internal", "http")]
    [InlineData("queue", "amqp://rabbit", "unknown")]
    public void InfersTheKindFromTheNameAndShapeOnly(string name, string value, string kind) =>
        Assert.Equal(kind, DependencyInference.KindOf(name, value));

    [Theory]
    [InlineData("Server=tcp:orders.database.windows.net,1433;Initial Catalog=orders;User ID=app;Password=x;Encrypt=True")]
    [InlineData("Server=sql,1433;Database=orders;User Id=sa;Password=x;TrustServerCertificate=True")]
    [InlineData(@"Server=(localdb)\MSSQLLocalDB;Database=orders;Trusted_Connection=True")]
    [InlineData(@"Server=sql\SQLEXPRESS;Database=orders;User Id=sa;Password=x")]
    [InlineData("Server=sql;Database=orders;User Id=sa;Password=x;MultipleActiveResultSets=true")]
    [InlineData("Data Source=sql;Initial Catalog=orders;Integrated Security=true")]
    public void ASqlServerConnectionStringIsNotTakenForPostgres(string value) =>
        Assert.Equal("unknown", DependencyInference.KindOf("db", value));
}
