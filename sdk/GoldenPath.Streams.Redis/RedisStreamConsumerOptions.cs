namespace GoldenPath.Streams.Redis;

/// <summary>The settings of one stream consumer (see <see cref="Microsoft.Extensions.DependencyInjection.RedisStreamConsumerServiceCollectionExtensions"/>).</summary>
public sealed class RedisStreamConsumerOptions
{
    /// <summary>Gets or sets the key of the stream to read. Required.</summary>
    public string Stream { get; set; } = "";

    /// <summary>
    /// Gets or sets the consumer group: each entry is handled by one member of the group. Default: the service's name
    /// (<c>ServiceInfo.Name</c>, from <c>catalog-info.yaml</c>). The group is created at the stream's beginning when it
    /// does not exist, so entries written before the first instance started are handled too.
    /// </summary>
    public string? Group { get; set; }

    /// <summary>
    /// Gets or sets this instance's consumer name in the group. Default: the instance id (<c>ServiceInfo.InstanceId</c>;
    /// the pod's name on Kubernetes). Entries an instance read but did not acknowledge are handled first when an instance
    /// of the same name starts again, and by any other instance once they have been idle for <see cref="ReclaimAfter"/>.
    /// </summary>
    public string? Consumer { get; set; }

    /// <summary>Gets or sets the stream entries that cannot be handled are moved to. Default: <c>{Stream}:dead-letter</c>.</summary>
    public string? DeadLetterStream { get; set; }

    /// <summary>
    /// Gets or sets about how many entries the dead-letter stream keeps (older ones are trimmed, <c>MAXLEN ~</c>), so a
    /// flood of bad entries cannot fill Redis. Default: 10,000.
    /// </summary>
    public int DeadLetterMaxLength { get; set; } = 10_000;

    /// <summary>Gets or sets how many entries one read returns at most. Default: 50.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>Gets or sets how long to wait before reading again when the stream had nothing new. Default: 250 ms.</summary>
    public TimeSpan IdleDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets the longest wait between two retries while Redis or a dependency is down. Shorter than
    /// <see cref="ReclaimAfter"/> (checked at start-up): an entry waiting for its retry is not taken over. Default: 30 s.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long an entry may stay read but unacknowledged by a consumer before another instance takes it
    /// over (<c>XAUTOCLAIM</c>): the entries of an instance that crashed or was replaced are not left behind. Set it
    /// longer than the longest handling of one entry: the consumer checks that an entry is still its own (and resets its
    /// idle time) before each handling and each retry, and skips one another instance took over, but an entry taken over
    /// while its handler runs is handled by both. Longer than <see cref="MaxRetryDelay"/> (checked at start-up).
    /// Default: 1 minute; checked every <see cref="ReclaimAfter"/>.
    /// </summary>
    public TimeSpan ReclaimAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how many times an entry is delivered (counted by Redis, across restarts and instances) before it is
    /// taken for poison and dead-lettered unhandled: an entry whose handling fails or crashes the worker every time does
    /// not block the stream. Transient failures do not count, up to <see cref="MaxTransientRetries"/> in a row. Default: 5.
    /// </summary>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>
    /// Gets or sets how many times in a row a transient failure of one entry is retried (with backoff, up to
    /// <see cref="MaxRetryDelay"/>) without counting a delivery; one more counts as a failed delivery, so an entry whose
    /// handling always looks transient (a query it makes always times out) reaches the dead-letter stream after
    /// <see cref="MaxDeliveries"/> instead of stalling the consumer. Default: 10 (with the default delays, about 2.5 minutes
    /// of outage per delivery).
    /// </summary>
    public int MaxTransientRetries { get; set; } = 10;

    /// <summary>
    /// Gets or sets the largest entry (its field names and values, in bytes) that is handled; a larger one is
    /// dead-lettered with its size, without its fields (read them in the stream by its id). This protects the handler,
    /// not the read: entries are read (up to <see cref="BatchSize"/> at a time; after a restart, this consumer's own
    /// pending entries one at a time) before their size is known, so bound entry sizes where they are written too
    /// (for example Redis's <c>proto-max-bulk-len</c>, or a producer-side check). Default: 1 MiB.
    /// </summary>
    public long MaxEntryBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Gets or sets which handler failures are transient besides the built-in ones (Redis connection and timeout errors,
    /// timeouts, socket errors, HTTP failures without a 4xx status, and database errors that say they are transient, such
    /// as Npgsql's): they are retried with backoff without counting a delivery, up to <see cref="MaxTransientRetries"/>
    /// times in a row.
    /// </summary>
    public Func<Exception, bool>? IsTransient { get; set; }
}
