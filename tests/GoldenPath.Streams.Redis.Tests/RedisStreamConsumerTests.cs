using GoldenPath.Testing;
using GoldenPath.Tests;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using static GoldenPath.Streams.Redis.Tests.StreamHarness;

namespace GoldenPath.Streams.Redis.Tests;

/// <summary>
/// The consumer against a real Redis, in the situations an operator meets: a crashed instance's pending entries,
/// poison entries, huge entries, a dependency outage, a group that disappears, and two instances sharing the work.
/// Each test has a stream of its own.
/// </summary>
public sealed class RedisStreamConsumerTests(RedisContainerFixture redis) : IClassFixture<RedisContainerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _stream = $"work-{Guid.NewGuid():N}";
    private readonly Recorder _recorder = new();
    private readonly List<IHost> _hosts = [];
    private ConnectionMultiplexer? _connection;

    private IDatabase Db => _connection!.GetDatabase();

    private string DeadLetters => $"{_stream}:dead-letter";

    public async ValueTask InitializeAsync()
    {
        if ((await DockerEngine.GetStatusAsync()).IsUsable)
        {
            _connection = await ConnectionMultiplexer.ConnectAsync(await redis.GetConnectionStringAsync());
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task EntriesWrittenBeforeTheFirstConsumerAreHandledAndAcknowledged()
    {
        await DockerEngine.RequireAsync();
        for (var i = 0; i < 3; i++)
        {
            await Db.StreamAddAsync(_stream, Entry($"early-{i}"));
        }

        await StartAsync("pod-a");
        await Db.StreamAddAsync(_stream, Entry("late"));

        await Poll.UntilAsync(() => _recorder.Handled.Count == 4, Patience, "all four entries to be handled");
        await Poll.UntilAsync(async () => await PendingAsync(Db, _stream) == 0, Patience, "every entry to be acknowledged");
        Assert.All(_recorder.Handled.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task EntriesACrashedInstanceLeftPendingAreTakenOverByAnother()
    {
        await DockerEngine.RequireAsync();
        await Db.StreamCreateConsumerGroupAsync(_stream, Group, "0-0", createStream: true);
        await Db.StreamAddAsync(_stream, Entry("in-flight-1"));
        await Db.StreamAddAsync(_stream, Entry("in-flight-2"));
        // What a crash leaves: the entries read by a consumer that will never acknowledge them (its pod is gone).
        Assert.Equal(2, (await Db.StreamReadGroupAsync(_stream, Group, "crashed-pod", ">")).Length);

        await StartAsync("new-pod", options =>
        {
            options.ReclaimAfter = TimeSpan.FromMilliseconds(500);
            options.MaxRetryDelay = TimeSpan.FromMilliseconds(250);
        });

        await Poll.UntilAsync(() => _recorder.HandledCount("in-flight-1") == 1 && _recorder.HandledCount("in-flight-2") == 1, Patience, "the crashed pod's entries to be handled");
        await Poll.UntilAsync(async () => await PendingAsync(Db, _stream) == 0, Patience, "them to be acknowledged");
        Assert.Equal("new-pod", _recorder.HandledBy["in-flight-1"]);
    }

    [Fact]
    public async Task AnInstanceThatRestartsHandlesItsOwnPendingEntriesFirst()
    {
        await DockerEngine.RequireAsync();
        await Db.StreamCreateConsumerGroupAsync(_stream, Group, "0-0", createStream: true);
        await Db.StreamAddAsync(_stream, Entry("read-before-the-crash"));
        Assert.Single(await Db.StreamReadGroupAsync(_stream, Group, "pod-a", ">"));

        // The same consumer name again (a container restarted in its pod); another instance would wait an hour.
        await StartAsync("pod-a", options => options.ReclaimAfter = TimeSpan.FromHours(1));

        await Poll.UntilAsync(() => _recorder.HandledCount("read-before-the-crash") == 1, Patience, "the pending entry to be handled");
        await Poll.UntilAsync(async () => await PendingAsync(Db, _stream) == 0, Patience, "it to be acknowledged");
    }

    [Fact]
    public async Task AnEntryThatCrashedEveryWorkerIsDeadLetteredWithoutBeingHandledAgain()
    {
        await DockerEngine.RequireAsync();
        await Db.StreamCreateConsumerGroupAsync(_stream, Group, "0-0", createStream: true);
        var poison = await Db.StreamAddAsync(_stream, Entry("kills-the-worker"));
        // Three workers took it and died with it (each delivery counted by Redis).
        await Db.StreamReadGroupAsync(_stream, Group, "pod-1", ">");
        await Db.StreamClaimAsync(_stream, Group, "pod-2", 0, [poison]);
        await Db.StreamClaimAsync(_stream, Group, "pod-3", 0, [poison]);
        await Db.StreamAddAsync(_stream, Entry("after-it"));

        await StartAsync("pod-4", options =>
        {
            options.ReclaimAfter = TimeSpan.FromMilliseconds(200);
            options.MaxRetryDelay = TimeSpan.FromMilliseconds(100);
            options.MaxDeliveries = 3;
        });

        await Poll.UntilAsync(async () => await Db.StreamLengthAsync(DeadLetters) == 1, Patience, "the poison entry to be dead-lettered");
        var deadLetter = Assert.Single(await Db.StreamRangeAsync(DeadLetters));
        Assert.Equal(poison.ToString(), deadLetter["id"].ToString());
        Assert.Contains("delivered 4 times", deadLetter["reason"].ToString(), StringComparison.Ordinal);
        Assert.Equal("kills-the-worker", deadLetter["field:key"].ToString());
        Assert.Equal(0, _recorder.AttemptsOf("kills-the-worker"));
        await Poll.UntilAsync(() => _recorder.HandledCount("after-it") == 1, Patience, "the next entry to be handled");
        await Poll.UntilAsync(async () => await PendingAsync(Db, _stream) == 0, Patience, "every entry to be acknowledged");
    }

    [Fact]
    public async Task AnEntryWhoseHandlingAlwaysFailsIsDeadLetteredAfterMaxDeliveriesAndDoesNotBlockTheStream()
    {
        await DockerEngine.RequireAsync();
        var poison = await Db.StreamAddAsync(_stream, Entry("poison", ("do", "fail")));
        await Db.StreamAddAsync(_stream, Entry("after-it"));

        await StartAsync("pod-a", options => options.MaxDeliveries = 3);

        await Poll.UntilAsync(() => _recorder.HandledCount("after-it") == 1, Patience, "the entry after the poison one to be handled");
        var deadLetter = Assert.Single(await Db.StreamRangeAsync(DeadLetters));
        Assert.Equal(poison.ToString(), deadLetter["id"].ToString());
        Assert.Contains("InvalidOperationException: entry poison breaks the handler", deadLetter["reason"].ToString(), StringComparison.Ordinal);
        Assert.Equal(3, _recorder.AttemptsOf("poison"));
        await Poll.UntilAsync(async () => await PendingAsync(Db, _stream) == 0, Patience, "every entry to be acknowledged");
    }

    [Fact]
    public async Task TransientFailuresAreRetriedWithoutCountingAsDeliveries()
    {
        await DockerEngine.RequireAsync();
        // Fails more often than MaxDeliveries: a database outage must not send good entries to the dead-letter stream.
        await Db.StreamAddAsync(_stream, Entry("during-an-outage", ("do", "transient"), ("times", "3")));

        await StartAsync("pod-a", options => options.MaxDeliveries = 1);

        await Poll.UntilAsync(() => _recorder.HandledCount("during-an-outage") == 1, Patience, "the entry to be handled once the outage is over");
        Assert.Equal(4, _recorder.AttemptsOf("during-an-outage"));
        Assert.Equal(0, await Db.StreamLengthAsync(DeadLetters));
        await Poll.UntilAsync(async () => await PendingAsync(Db, _stream) == 0, Patience, "it to be acknowledged");
    }

    [Fact]
    public async Task AnEntryWhoseHandlingAlwaysLooksTransientIsDeadLetteredAfterMaxTransientRetries()
    {
        await DockerEngine.RequireAsync();
        // Times out every time (a query this entry makes too slow, say): it must not stall the stream forever.
        var stuck = await Db.StreamAddAsync(_stream, Entry("always-times-out", ("do", "transient"), ("times", "1000000")));
        await Db.StreamAddAsync(_stream, Entry("after-it"));

        await StartAsync("pod-a", options =>
        {
            options.MaxDeliveries = 1;
            options.MaxRetryDelay = TimeSpan.FromMilliseconds(100);
        });

        await Poll.UntilAsync(() => _recorder.HandledCount("after-it") == 1, Patience, "the entry after the stuck one to be handled");
        var deadLetter = Assert.Single(await Db.StreamRangeAsync(DeadLetters));
        Assert.Equal(stuck.ToString(), deadLetter["id"].ToString());
        Assert.Contains("TimeoutException: the database did not answer in time", deadLetter["reason"].ToString(), StringComparison.Ordinal);
        // The first attempt and MaxTransientRetries (default 10) retries.
        Assert.Equal(11, _recorder.AttemptsOf("always-times-out"));
        await Poll.UntilAsync(async () => await PendingAsync(Db, _stream) == 0, Patience, "every entry to be acknowledged");
    }

    [Fact]
    public async Task EntriesOfABatchAnotherInstanceTookOverMeanwhileAreNotHandledAgain()
    {
        await DockerEngine.RequireAsync();
        await Db.StreamAddAsync(_stream, Entry("slow", ("block", "1")));
        var tail = await Db.StreamAddAsync(_stream, Entry("tail"));
        await Db.StreamAddAsync(_stream, Entry("last"));

        await StartAsync("pod-a");
        await _recorder.Blocked.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        // The batch outlived ReclaimAfter: another instance's XAUTOCLAIM took its tail (and is handling it).
        Assert.Single(await Db.StreamClaimIdsOnlyAsync(_stream, Group, "pod-b", 0, [tail]));
        _recorder.Gate.SetResult();

        await Poll.UntilAsync(() => _recorder.HandledCount("last") == 1, Patience, "the batch to be done");
        Assert.Equal(0, _recorder.AttemptsOf("tail"));
        var pending = Assert.Single(await Db.StreamPendingMessagesAsync(_stream, Group, 10, RedisValue.Null));
        Assert.Equal(tail, pending.MessageId);
        Assert.Equal("pod-b", pending.ConsumerName.ToString());
    }

    [Fact]
    public async Task AnEntryAnotherInstanceTookOverDuringATransientRetryIsNotTakenBack()
    {
        await DockerEngine.RequireAsync();
        var entry = await Db.StreamAddAsync(_stream, Entry("contested", ("block", "1"), ("do", "transient"), ("times", "1")));
        await Db.StreamAddAsync(_stream, Entry("after-it"));

        await StartAsync("pod-a");
        await _recorder.Blocked.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Single(await Db.StreamClaimIdsOnlyAsync(_stream, Group, "pod-b", 0, [entry]));
        _recorder.Gate.SetResult(); // the first attempt now times out: transient

        await Poll.UntilAsync(() => _recorder.HandledCount("after-it") == 1, Patience, "the next entry to be handled");
        Assert.Equal(1, _recorder.AttemptsOf("contested"));
        var pending = Assert.Single(await Db.StreamPendingMessagesAsync(_stream, Group, 10, RedisValue.Null));
        Assert.Equal(entry, pending.MessageId);
        Assert.Equal("pod-b", pending.ConsumerName.ToString());
    }

    [Fact]
    public async Task AMaxRetryDelayNotShorterThanReclaimAfterStopsTheStart()
    {
        await DockerEngine.RequireAsync();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync("pod-a", options =>
        {
            options.MaxRetryDelay = TimeSpan.FromSeconds(2);
            options.ReclaimAfter = TimeSpan.FromSeconds(2);
        }));

        Assert.Contains("MaxRetryDelay (00:00:02) is not shorter than ReclaimAfter (00:00:02)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEntryTheHandlerRejectsIsDeadLetteredWithItsFieldsAfterTheIdAndTheReason()
    {
        await DockerEngine.RequireAsync();
        // A hostile producer: fields named like the dead letter's own.
        var rejected = await Db.StreamAddAsync(_stream, Entry("garbage", ("do", "reject"), ("id", "forged"), ("reason", "forged")));

        await StartAsync("pod-a");

        await Poll.UntilAsync(async () => await Db.StreamLengthAsync(DeadLetters) == 1, Patience, "the entry to be dead-lettered");
        var deadLetter = Assert.Single(await Db.StreamRangeAsync(DeadLetters));
        Assert.Equal(rejected.ToString(), deadLetter["id"].ToString());
        Assert.Equal("entry garbage is not an event this handler knows", deadLetter["reason"].ToString());
        // The entry's own fields are prefixed: no field of the dead letter has a name the producer chose.
        Assert.Equal(
            ["id", "reason", "field:key", "field:do", "field:id", "field:reason"],
            deadLetter.Values.Select(v => v.Name.ToString()));
        Assert.Equal(["garbage", "reject", "forged", "forged"], deadLetter.Values.Skip(2).Select(v => v.Value.ToString()));
        // As a reader that builds a dictionary (the last field of a name wins) sees it.
        var byName = deadLetter.Values.GroupBy(v => v.Name.ToString()).ToDictionary(g => g.Key, g => g.Last().Value.ToString());
        Assert.Equal(rejected.ToString(), byName["id"]);
        Assert.Equal("entry garbage is not an event this handler knows", byName["reason"]);
        Assert.Equal(1, _recorder.AttemptsOf("garbage"));
        await Poll.UntilAsync(async () => await PendingAsync(Db, _stream) == 0, Patience, "it to be acknowledged");
    }

    [Fact]
    public async Task AHugeEntryIsDeadLetteredWithoutItsPayloadAndTheNextOneIsHandled()
    {
        await DockerEngine.RequireAsync();
        var huge = await Db.StreamAddAsync(_stream, Entry("huge", ("payload", new string('x', 4 * 1024 * 1024))));
        await Db.StreamAddAsync(_stream, Entry("small"));

        await StartAsync("pod-a", options => options.MaxEntryBytes = 1024 * 1024);

        await Poll.UntilAsync(() => _recorder.HandledCount("small") == 1, Patience, "the small entry to be handled");
        var deadLetter = Assert.Single(await Db.StreamRangeAsync(DeadLetters));
        Assert.Equal(huge.ToString(), deadLetter["id"].ToString());
        Assert.Contains("is 4194318 bytes, more than MaxEntryBytes (1048576)", deadLetter["reason"].ToString(), StringComparison.Ordinal);
        Assert.Equal(["id", "reason"], deadLetter.Values.Select(v => v.Name.ToString()));
        Assert.Equal(0, _recorder.AttemptsOf("huge"));
        await Poll.UntilAsync(async () => await PendingAsync(Db, _stream) == 0, Patience, "every entry to be acknowledged");
    }

    [Fact]
    public async Task TwoConsumersInOneGroupHandleEachEntryOnce()
    {
        await DockerEngine.RequireAsync();
        await StartAsync("pod-a");
        await StartAsync("pod-b");

        const int count = 200;
        for (var i = 0; i < count; i++)
        {
            await Db.StreamAddAsync(_stream, Entry($"entry-{i}"));
        }

        await Poll.UntilAsync(() => Task.FromResult(_recorder.Handled.Count == count), Patience, () => $"all {count} entries to be handled (so far {_recorder.Handled.Count})");
        await Poll.UntilAsync(async () => await PendingAsync(Db, _stream) == 0, Patience, "every entry to be acknowledged");
        Assert.All(_recorder.Attempts, attempt => Assert.Equal(1, attempt.Value));
        var consumers = await Db.StreamConsumerInfoAsync(_stream, Group);
        Assert.Equal(["pod-a", "pod-b"], consumers.Select(c => c.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AnEntryTrimmedWhilePendingIsAcknowledgedAsGone()
    {
        await DockerEngine.RequireAsync();
        await Db.StreamCreateConsumerGroupAsync(_stream, Group, "0-0", createStream: true);
        var trimmed = await Db.StreamAddAsync(_stream, Entry("trimmed"));
        await Db.StreamReadGroupAsync(_stream, Group, "pod-a", ">");
        await Db.StreamDeleteAsync(_stream, [trimmed]);
        await Db.StreamAddAsync(_stream, Entry("next"));

        await StartAsync("pod-a");

        await Poll.UntilAsync(() => _recorder.HandledCount("next") == 1, Patience, "the next entry to be handled");
        await Poll.UntilAsync(async () => await PendingAsync(Db, _stream) == 0, Patience, "the trimmed entry to be acknowledged");
        Assert.Equal(["next"], _recorder.Attempts.Keys);
    }

    [Fact]
    public async Task AGroupDeletedUnderARunningConsumerIsCreatedAgain()
    {
        await DockerEngine.RequireAsync();
        await StartAsync("pod-a");
        await Db.StreamAddAsync(_stream, Entry("before"));
        await Poll.UntilAsync(() => _recorder.HandledCount("before") == 1, Patience, "the first entry to be handled");

        // As after a Redis restart without persistence, or an operator's XGROUP DESTROY.
        Assert.True(await Db.StreamDeleteConsumerGroupAsync(_stream, Group));
        await Db.StreamAddAsync(_stream, Entry("after"));

        await Poll.UntilAsync(() => _recorder.HandledCount("after") == 1, Patience, "an entry written after the group was deleted to be handled");
    }

    [Fact]
    public async Task ASettingThatCannotWorkStopsTheStartWithItsName()
    {
        await DockerEngine.RequireAsync();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync("pod-a", options =>
        {
            options.DeadLetterStream = _stream;
            options.MaxDeliveries = 0;
        }));

        Assert.Contains($"DeadLetterStream is the stream itself ('{_stream}')", failure.Message, StringComparison.Ordinal);
        Assert.Contains("MaxDeliveries is 0: it must be more than 0", failure.Message, StringComparison.Ordinal);
        Assert.Contains("AddRedisStreamConsumer<ScriptedHandler>", failure.Message, StringComparison.Ordinal);
    }

    private async Task StartAsync(string consumer, Action<RedisStreamConsumerOptions>? configure = null) =>
        _hosts.Add(await StreamHarness.StartAsync(_connection!, _recorder, _stream, consumer, configure));
}
