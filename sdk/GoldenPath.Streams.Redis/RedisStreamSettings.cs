using GoldenPath.ServiceDefaults;

namespace GoldenPath.Streams.Redis;

/// <summary>A consumer's options with their defaults filled in from the service's identity.</summary>
internal sealed record RedisStreamSettings(
    string Handler,
    string Stream,
    string Group,
    string Consumer,
    string DeadLetterStream,
    int DeadLetterMaxLength,
    int BatchSize,
    TimeSpan IdleDelay,
    TimeSpan MaxRetryDelay,
    TimeSpan ReclaimAfter,
    int MaxDeliveries,
    int MaxTransientRetries,
    long MaxEntryBytes,
    Func<Exception, bool>? IsTransient)
{
    public static RedisStreamSettings Resolve(RedisStreamConsumerOptions options, ServiceInfo? service, Type handler) => new(
        handler.Name,
        options.Stream ?? "",
        Blank(options.Group) ?? service?.Name ?? "",
        Blank(options.Consumer) ?? service?.InstanceId ?? $"{Environment.MachineName}-{Environment.ProcessId}",
        Blank(options.DeadLetterStream) ?? $"{options.Stream}:dead-letter",
        options.DeadLetterMaxLength,
        options.BatchSize,
        options.IdleDelay,
        options.MaxRetryDelay,
        options.ReclaimAfter,
        options.MaxDeliveries,
        options.MaxTransientRetries,
        options.MaxEntryBytes,
        options.IsTransient);

    public bool IsTransientFailure(Exception exception) =>
        RedisStreamConsumer<IRedisStreamHandler>.IsBuiltInTransient(exception) || (IsTransient?.Invoke(exception) ?? false);

    /// <summary>Throws, naming every setting of this consumer that cannot work and how to fix it.</summary>
    public void ThrowIfInvalid()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Stream))
        {
            problems.Add("Stream is empty: set the key of the stream to read");
        }

        if (string.IsNullOrWhiteSpace(Group))
        {
            problems.Add("Group is empty and there is no ServiceInfo to name it after: call builder.AddGoldenPath() first or set Group");
        }

        if (!string.IsNullOrWhiteSpace(Stream) && string.Equals(DeadLetterStream, Stream, StringComparison.Ordinal))
        {
            problems.Add($"DeadLetterStream is the stream itself ('{Stream}'): a dead-lettered entry would be read again; leave it unset ('{Stream}:dead-letter') or name another stream");
        }

        Positive(problems, nameof(BatchSize), BatchSize);
        Positive(problems, nameof(MaxDeliveries), MaxDeliveries);
        Positive(problems, nameof(DeadLetterMaxLength), DeadLetterMaxLength);
        Positive(problems, nameof(MaxEntryBytes), MaxEntryBytes);
        Positive(problems, nameof(IdleDelay), IdleDelay);
        Positive(problems, nameof(MaxRetryDelay), MaxRetryDelay);
        Positive(problems, nameof(ReclaimAfter), ReclaimAfter);
        if (MaxTransientRetries < 0)
        {
            problems.Add($"MaxTransientRetries is {MaxTransientRetries}: it must be 0 or more");
        }

        if (MaxRetryDelay > TimeSpan.Zero && ReclaimAfter > TimeSpan.Zero && MaxRetryDelay >= ReclaimAfter)
        {
            problems.Add($"MaxRetryDelay ({MaxRetryDelay}) is not shorter than ReclaimAfter ({ReclaimAfter}): an entry waiting for its retry would be taken over by another instance; make MaxRetryDelay shorter or ReclaimAfter longer");
        }
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"The Redis stream consumer of {Handler} ('{Stream}') cannot start: {string.Join("; ", problems)} (AddRedisStreamConsumer<{Handler}>(options => ...)).");
        }
    }

    private static void Positive(List<string> problems, string name, long value)
    {
        if (value <= 0)
        {
            problems.Add($"{name} is {value}: it must be more than 0");
        }
    }

    private static void Positive(List<string> problems, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{name} is {value}: it must be more than zero");
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
