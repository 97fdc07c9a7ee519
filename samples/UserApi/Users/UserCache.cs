using System.Diagnostics.Metrics;
using System.Text.Json;
using StackExchange.Redis;

namespace UserApi.Users;

/// <summary>
/// Cache-aside for user reads in Redis: a read looks in the cache first and fills it on a miss; every write
/// removes the entry. Hits and misses are counted in <c>user_api.cache.lookups</c>.
/// </summary>
public sealed class UserCache(IConnectionMultiplexer redis, IMeterFactory meters)
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(5);

    private readonly Counter<long> _lookups = meters.Create("user-api").CreateCounter<long>("user_api.cache.lookups", "{lookup}", "User reads by cache result (hit or miss).");

    public async Task<UserResponse?> GetAsync(Guid id)
    {
        var value = await redis.GetDatabase().StringGetAsync(Key(id));
        _lookups.Add(1, new KeyValuePair<string, object?>("result", value.HasValue ? "hit" : "miss"));
        return value.HasValue ? JsonSerializer.Deserialize((string)value!, UserJsonContext.Default.UserResponse) : null;
    }

    public Task SetAsync(UserResponse user) =>
        redis.GetDatabase().StringSetAsync(Key(user.Id), JsonSerializer.Serialize(user, UserJsonContext.Default.UserResponse), TimeToLive);

    public Task RemoveAsync(Guid id) => redis.GetDatabase().KeyDeleteAsync(Key(id));

    private static RedisKey Key(Guid id) => $"user-api:user:{id:N}";
}
