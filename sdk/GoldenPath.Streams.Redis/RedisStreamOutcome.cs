namespace GoldenPath.Streams.Redis;

/// <summary>What became of a stream entry: handled, or not handleable and to be dead-lettered.</summary>
public sealed class RedisStreamOutcome
{
    private RedisStreamOutcome(string? deadLetterReason) => DeadLetterReason = deadLetterReason;

    /// <summary>Gets the outcome of an entry that was handled: it is acknowledged.</summary>
    public static RedisStreamOutcome Handled { get; } = new(null);

    /// <summary>Gets why the entry can never be handled, or <see langword="null"/> when it was handled.</summary>
    public string? DeadLetterReason { get; }

    /// <summary>
    /// The outcome of an entry that can never be handled (a retry would fail the same way): it is copied to the
    /// dead-letter stream with <paramref name="reason"/> and acknowledged, so that it does not hold up the stream.
    /// </summary>
    /// <param name="reason">What is wrong with the entry, for the operator who reads the dead-letter stream.</param>
    /// <returns>The outcome.</returns>
    public static RedisStreamOutcome DeadLetter(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(reason);
    }
}
