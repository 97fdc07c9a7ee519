using GoldenPath.Streams.Redis;
using StackExchange.Redis;

namespace GpTemplateNamespace.Work;

/// <summary>
/// Work from the Redis stream <c>Worker:Stream</c> (default <c>work</c>): an entry's <c>payload</c> field is the work.
/// GoldenPath.Streams.Redis reads the stream as a member of the consumer group named after the service, one consumer
/// per instance, and acknowledges each entry once handled; entries an instance read but did not acknowledge are handled
/// first when it starts again, or taken over by another instance after a minute. An entry without a <c>payload</c>, one
/// larger than 1 MiB, or one whose work failed on 5 deliveries is moved to <c>{stream}:dead-letter</c> (with the reason)
/// so it does not block the stream. While Redis or the database is down, the worker waits and retries (up to 30 s apart).
/// </summary>
public sealed class StreamWork(WorkProcessor processor) : IRedisStreamHandler
{
    public const string DefaultStream = "work";

    public async ValueTask<RedisStreamOutcome> HandleAsync(StreamEntry entry, CancellationToken cancellationToken)
    {
        var payload = entry["payload"];
        if (payload.IsNullOrEmpty)
        {
            return RedisStreamOutcome.DeadLetter("the entry has no 'payload' field");
        }

        await processor.ProcessAsync(new WorkItem(entry.Id!, payload!), cancellationToken);
        return RedisStreamOutcome.Handled;
    }
}
