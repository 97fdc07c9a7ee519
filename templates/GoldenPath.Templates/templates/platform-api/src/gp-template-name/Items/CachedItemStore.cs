using System.Text.Json;
using StackExchange.Redis;

namespace GpTemplateNamespace.Items;

/// <summary>
/// Cache-aside in Redis in front of the item store: reads by id are served from <c>items:{id}</c> for
/// <see cref="TimeToLive"/>. The cache never fails a request: when Redis does not answer, the store does.
/// </summary>
public sealed partial class CachedItemStore(IItemStore store, IConnectionMultiplexer redis, ILogger<CachedItemStore> logger) : IItemStore
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(5);

    public static RedisKey KeyOf(Guid id) => $"items:{id}";

    public Task<Item> AddAsync(string name, CancellationToken ct) => store.AddAsync(name, ct);

    public async Task<Item?> FindAsync(Guid id, CancellationToken ct)
    {
        try
        {
            var cached = await redis.GetDatabase().StringGetAsync(KeyOf(id));
            if (cached.HasValue)
            {
                return JsonSerializer.Deserialize<Item>((string)cached!);
            }
        }
        catch (RedisException exception)
        {
            CacheUnavailable(logger, exception);
        }

        var item = await store.FindAsync(id, ct);
        if (item is not null)
        {
            try
            {
                await redis.GetDatabase().StringSetAsync(KeyOf(id), JsonSerializer.Serialize(item), TimeToLive);
            }
            catch (RedisException exception)
            {
                CacheUnavailable(logger, exception);
            }
        }

        return item;
    }

    public Task<IReadOnlyList<Item>> ListAsync(int limit, CancellationToken ct) => store.ListAsync(limit, ct);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The item cache is unavailable; reading from the store")]
    private static partial void CacheUnavailable(ILogger logger, Exception exception);
}
