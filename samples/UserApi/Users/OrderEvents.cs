using System.Globalization;
using StackExchange.Redis;

namespace UserApi.Users;

/// <summary>Publishes <see cref="OrderPlaced"/> events to the Redis stream the orders worker consumes.</summary>
public sealed class OrderEvents(IConnectionMultiplexer redis)
{
    /// <summary>The stream's key.</summary>
    public const string StreamKey = "orders";

    public async Task<string> PublishAsync(OrderPlaced order)
    {
        var id = await redis.GetDatabase().StreamAddAsync(StreamKey,
        [
            new NameValueEntry("orderId", order.OrderId.ToString()),
            new NameValueEntry("userId", order.UserId.ToString()),
            new NameValueEntry("amount", order.Amount.ToString(CultureInfo.InvariantCulture)),
            new NameValueEntry("placedAt", order.PlacedAt.ToString("O", CultureInfo.InvariantCulture)),
        ]);
        return id.ToString();
    }
}
