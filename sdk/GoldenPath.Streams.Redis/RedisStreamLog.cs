using Microsoft.Extensions.Logging;

namespace GoldenPath.Streams.Redis;

/// <summary>What a consumer logs.</summary>
internal static partial class RedisStreamLog
{
    private static readonly Func<ILogger, string, string, IDisposable?> s_entryScope =
        LoggerMessage.DefineScope<string, string>("Stream {Stream} entry {StreamEntryId}");

    /// <summary>Every line logged while an entry is handled, in the handler or deeper down, carries its stream and id.</summary>
    public static IDisposable? EntryScope(ILogger logger, string stream, string entryId) => s_entryScope(logger, stream, entryId);

    [LoggerMessage(4001, LogLevel.Warning, "Stream entry {StreamEntryId} of {Stream} moved to {DeadLetterStream}: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string streamEntryId, string stream, string deadLetterStream, string reason);

    [LoggerMessage(4002, LogLevel.Warning, "Reading stream {Stream} failed ({Error}: {Message}); retrying with backoff")]
    public static partial void Unavailable(ILogger logger, string stream, string error, string message);

    [LoggerMessage(4003, LogLevel.Information, "Stream {Stream} is consumed again")]
    public static partial void Recovered(ILogger logger, string stream);

    [LoggerMessage(4004, LogLevel.Warning, "Handling stream entry {StreamEntryId} of {Stream} failed transiently ({Error}: {Message}); retrying it with backoff while it lasts")]
    public static partial void DependencyUnavailable(ILogger logger, string streamEntryId, string stream, string error, string message);

    [LoggerMessage(4005, LogLevel.Error, "Handling stream entry {StreamEntryId} of {Stream} failed (delivery {Delivery} of at most {MaxDeliveries})")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string streamEntryId, string stream, int delivery, int maxDeliveries);

    [LoggerMessage(4006, LogLevel.Information, "Took over {Count} entries of {Stream} that another consumer left unacknowledged for more than {Seconds} s")]
    public static partial void Reclaimed(ILogger logger, int count, string stream, long seconds);

    [LoggerMessage(4007, LogLevel.Warning, "Stream entry {StreamEntryId} was removed from {Stream} before it was handled; acknowledged")]
    public static partial void Gone(ILogger logger, string streamEntryId, string stream);

    [LoggerMessage(4008, LogLevel.Warning, "Stream entry {StreamEntryId} of {Stream} is no longer pending on this consumer (another took it over, or it was acknowledged); left to its owner")]
    public static partial void NoLongerMine(ILogger logger, string streamEntryId, string stream);
}
