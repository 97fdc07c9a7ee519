using System.Net;
using System.Net.Http.Json;
using GpTemplateNamespace.Items;
#if (useRedis)
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
#endif

namespace GpTemplateNamespace.Tests;

/// <summary>The items API through real HTTP in-process.</summary>
public sealed class ItemsApiTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACreatedItemCanBeReadBack()
    {
        await using var app = await service.StartAsync();
        var client = app.CreateClient();

        using var created = await client.PostAsJsonAsync("/api/items", new NewItem("first"), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var item = await created.Content.ReadFromJsonAsync<Item>(Ct);
        Assert.Equal("first", item!.Name);
        Assert.Equal($"/api/items/{item.Id}", created.Headers.Location?.OriginalString);

        Assert.Equal(item, await client.GetFromJsonAsync<Item>($"/api/items/{item.Id}", Ct));
        Assert.Contains(item, (await client.GetFromJsonAsync<Item[]>("/api/items?limit=500", Ct))!);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"name\":\"   \"}")]
    public async Task AnItemWithoutANameIsAValidationProblem(string body)
    {
        await using var app = await service.StartAsync();

        using var response = await app.CreateClient().PostAsync("/api/items", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'name' is required", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownItemIsNotFoundAsProblemDetails()
    {
        await using var app = await service.StartAsync();

        using var response = await app.CreateClient().GetAsync($"/api/items/{Guid.NewGuid()}", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
#if (usePostgres)

    [Fact]
    public async Task ItemsAreKeptInPostgreSqlAcrossRestarts()
    {
        Item created;
        await using (var first = await service.StartAsync())
        {
            using var response = await first.CreateClient().PostAsJsonAsync("/api/items", new NewItem("durable"), Ct);
            created = (await response.Content.ReadFromJsonAsync<Item>(Ct))!;
        }

        await using var second = await service.StartAsync();
        var read = await second.CreateClient().GetFromJsonAsync<Item>($"/api/items/{created.Id}", Ct);

        Assert.Equal(created.Id, read!.Id);
        Assert.Equal("durable", read.Name);
        Assert.Equal(created.CreatedAt.ToUnixTimeMilliseconds(), read.CreatedAt.ToUnixTimeMilliseconds());
    }
#endif
#if (useRedis)

    [Fact]
    public async Task ReadsByIdAreCachedInRedis()
    {
        await using var app = await service.StartAsync();
        var client = app.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/items", new NewItem("cached"), Ct);
        var item = (await response.Content.ReadFromJsonAsync<Item>(Ct))!;
        var redis = app.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        Assert.False(await redis.KeyExistsAsync(CachedItemStore.KeyOf(item.Id)));

        await client.GetFromJsonAsync<Item>($"/api/items/{item.Id}", Ct);

        var ttl = await redis.KeyTimeToLiveAsync(CachedItemStore.KeyOf(item.Id));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(4), CachedItemStore.TimeToLive);
    }
#endif
}
