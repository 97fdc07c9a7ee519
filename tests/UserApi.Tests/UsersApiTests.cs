using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StackExchange.Redis;

namespace UserApi.Tests;

public sealed class UsersApiTests(UserApiFixture service) : IClassFixture<UserApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreatesReadsUpdatesAndDeletesAUser()
    {
        var client = await service.ClientAsync();
        var email = Email();

        using var created = await client.PostAsJsonAsync("/users", new { name = "Jane", email }, Ct);
        var id = (await Json(created)).GetProperty("id").GetString();
        using var updated = await client.PutAsJsonAsync($"/users/{id}", new { name = "Jane Doe", email }, Ct);
        var read = await Json(await client.GetAsync($"/users/{id}", Ct));
        using var deleted = await client.DeleteAsync($"/users/{id}", Ct);
        using var gone = await client.GetAsync($"/users/{id}", Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/users/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("Jane Doe", read.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TheSecondReadComesFromTheCacheAndAWriteInvalidatesIt()
    {
        var client = await service.ClientAsync();
        using var created = await client.PostAsJsonAsync("/users", new { name = "Ada", email = Email() }, Ct);
        var id = (await Json(created)).GetProperty("id").GetString();

        Assert.Equal("miss", Cache(await client.GetAsync($"/users/{id}", Ct)));
        Assert.Equal("hit", Cache(await client.GetAsync($"/users/{id}", Ct)));
        await client.PutAsJsonAsync($"/users/{id}", new { name = "Ada L.", email = Email() }, Ct);
        using var afterWrite = await client.GetAsync($"/users/{id}", Ct);

        Assert.Equal("miss", Cache(afterWrite));
        Assert.Equal("Ada L.", (await Json(afterWrite)).GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("", "jane@example.com", "name")]
    [InlineData("Jane", "not-an-address", "email")]
    [InlineData("Jane", "Jane <jane@example.com>", "email")]
    public async Task InvalidUsersAreValidationProblems(string name, string email, string field)
    {
        var client = await service.ClientAsync();

        using var response = await client.PostAsJsonAsync("/users", new { name, email }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await Json(response)).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task ASecondUserWithTheSameEmailIsAConflict()
    {
        var client = await service.ClientAsync();
        var email = Email();
        await client.PostAsJsonAsync("/users", new { name = "One", email }, Ct);

        using var second = await client.PostAsJsonAsync("/users", new { name = "Two", email = email.ToUpperInvariant() }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task PlacingAnOrderPublishesAnOrderPlacedEvent()
    {
        var client = await service.ClientAsync();
        using var created = await client.PostAsJsonAsync("/users", new { name = "Bob", email = Email() }, Ct);
        var id = (await Json(created)).GetProperty("id").GetString();

        using var placed = await client.PostAsJsonAsync($"/users/{id}/orders", new { amount = 19.99m }, Ct);
        var orderId = (await Json(placed)).GetProperty("orderId").GetString();
        using var invalid = await client.PostAsJsonAsync($"/users/{id}/orders", new { amount = -1 }, Ct);
        using var unknownUser = await client.PostAsJsonAsync($"/users/{Guid.NewGuid()}/orders", new { amount = 5 }, Ct);

        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownUser.StatusCode);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(service.RedisConnectionString!);
        var entry = Assert.Single(await redis.GetDatabase().StreamRangeAsync("orders"), e => e["orderId"] == orderId);
        Assert.Equal(id, (string?)entry["userId"]);
        Assert.Equal("19.99", (string?)entry["amount"]);
    }

    [Fact]
    public async Task ReadinessCoversPostgreSqlAndRedis()
    {
        var client = await service.ClientAsync();

        var checks = (await Json(await client.GetAsync("/health/ready", Ct))).GetProperty("checks");

        Assert.Equal("Healthy", checks.GetProperty("postgres-users").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("redis-cache").GetProperty("status").GetString());
    }

    private static string Email() => $"user-{Guid.NewGuid():N}@example.com";

    private static string Cache(HttpResponseMessage response) => response.Headers.GetValues("X-Cache").Single();

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
}
