using StackExchange.Redis;

namespace GoldenPath.Streams.Redis;

/// <summary>
/// Handles one entry of a Redis stream: the service's own logic. Registered with
/// <see cref="Microsoft.Extensions.DependencyInjection.RedisStreamConsumerServiceCollectionExtensions.AddRedisStreamConsumer{THandler}"/>, resolved in a
/// new service scope for each entry.
/// </summary>
/// <remarks>
/// Delivery is at least once: an entry handled just before a crash, before its acknowledgement, is handled again (by
/// this instance after its restart, or by another that takes it over). Make the handling idempotent, e.g. record the
/// entry's id or a business key with a unique constraint.
/// <list type="bullet">
/// <item>Return <see cref="RedisStreamOutcome.Handled"/> when done: the entry is acknowledged.</item>
/// <item>Return <see cref="RedisStreamOutcome.DeadLetter(string)"/> when the entry can never be handled (it is not
/// what the stream should carry): it is moved to the dead-letter stream with the reason and acknowledged.</item>
/// <item>Throw when handling failed. A transient failure (see <see cref="RedisStreamConsumerOptions.IsTransient"/>)
/// is retried with backoff for as long as it lasts; any other is retried up to
/// <see cref="RedisStreamConsumerOptions.MaxDeliveries"/> deliveries, then the entry is dead-lettered.</item>
/// </list>
/// </remarks>
public interface IRedisStreamHandler
{
    /// <summary>Handles one entry.</summary>
    /// <param name="entry">The entry: its id and its fields, as the producer wrote them.</param>
    /// <param name="cancellationToken">Cancelled when the service stops.</param>
    /// <returns>What became of the entry.</returns>
    ValueTask<RedisStreamOutcome> HandleAsync(StreamEntry entry, CancellationToken cancellationToken);
}
