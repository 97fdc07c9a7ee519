using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace GoldenPath.Streams.Redis.Tests;

/// <summary>What the handler saw: attempts and handlings per entry key (the field <c>key</c>).</summary>
public sealed class Recorder
{
    public ConcurrentDictionary<string, int> Attempts { get; } = new();

    public ConcurrentDictionary<string, int> Handled { get; } = new();

    public ConcurrentDictionary<string, string> HandledBy { get; } = new();

    /// <summary>Set when an entry with a field <c>block</c> is being handled for the first time.</summary>
    public TaskCompletionSource Blocked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Released by the test: the blocked handling goes on.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int AttemptsOf(string key) => Attempts.GetValueOrDefault(key);

    public int HandledCount(string key) => Handled.GetValueOrDefault(key);
}

/// <summary>
/// A handler that does what the entry's field <c>do</c> says: <c>reject</c> (dead-letter it), <c>fail</c> (throw, every
/// time), <c>transient</c> (throw a timeout the first <c>times</c> attempts), anything else: handle it. An entry with a
/// field <c>block</c> waits, on its first attempt, until the test opens <see cref="Recorder.Gate"/>.
/// </summary>
public sealed class ScriptedHandler(Recorder recorder, ConsumerName consumer) : IRedisStreamHandler
{
    public async ValueTask<RedisStreamOutcome> HandleAsync(StreamEntry entry, CancellationToken cancellationToken)
    {
        var key = (string?)entry["key"] ?? entry.Id.ToString();
        var attempt = recorder.Attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
        if (!entry["block"].IsNull && attempt == 1)
        {
            recorder.Blocked.TrySetResult();
            await recorder.Gate.Task.WaitAsync(cancellationToken);
        }

        switch ((string?)entry["do"])
        {
            case "reject":
                return RedisStreamOutcome.DeadLetter($"entry {key} is not an event this handler knows");
            case "fail":
                throw new InvalidOperationException($"entry {key} breaks the handler");
            case "transient" when attempt <= (int)entry["times"]:
                throw new TimeoutException("the database did not answer in time");
        }

        recorder.Handled.AddOrUpdate(key, 1, (_, n) => n + 1);
        recorder.HandledBy[key] = consumer.Name;
        return RedisStreamOutcome.Handled;
    }
}

public sealed record ConsumerName(string Name);

/// <summary>Starts a consumer of <see cref="ScriptedHandler"/> in a host of its own, as a worker process would.</summary>
internal static class StreamHarness
{
    public const string Group = "workers";

    public static async Task<IHost> StartAsync(IConnectionMultiplexer redis, Recorder recorder, string stream, string consumer, Action<RedisStreamConsumerOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(redis);
        builder.Services.AddSingleton(recorder);
        builder.Services.AddSingleton(new ConsumerName(consumer));
        builder.Services.AddRedisStreamConsumer<ScriptedHandler>(options =>
        {
            options.Stream = stream;
            options.Group = Group;
            options.Consumer = consumer;
            options.IdleDelay = TimeSpan.FromMilliseconds(50);
            options.MaxRetryDelay = TimeSpan.FromSeconds(1);
            configure?.Invoke(options);
        });
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    public static NameValueEntry[] Entry(string key, params (string Name, string Value)[] more) =>
        [new("key", key), .. more.Select(f => new NameValueEntry(f.Name, f.Value))];

    public static async Task<long> PendingAsync(IDatabase db, string stream) =>
        (await db.StreamPendingAsync(stream, Group)).PendingMessageCount;
}
