using System.Diagnostics;
using System.Net.Http.Json;
using GpTemplateNamespace.Work;
#if (useRedis)
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
#endif

namespace GpTemplateNamespace.Tests;

/// <summary>The worker does its work in the background and reports it on <c>/work/status</c>.</summary>
public sealed class WorkTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
#if (useRedis)

    [Fact]
    public async Task WorkFromTheStreamIsProcessedAndAcknowledged()
    {
        var stream = $"work-{Guid.NewGuid():N}";
        await using var app = await service.StartAsync(new Dictionary<string, string?> { ["Worker:Stream"] = stream });
        var client = app.CreateClient();
        var redis = app.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        // The ledger may already hold work of other tests (a database outlives a test).
        var before = (await client.GetFromJsonAsync<WorkStatus>("/work/status", Ct))!.Processed;

        for (var i = 0; i < 3; i++)
        {
            await redis.StreamAddAsync(stream, "payload", $"job {i}");
        }

        var status = await WaitForAsync(client, s => s.Processed >= before + 3);
        Assert.Equal(before + 3, status.Processed);
        Assert.Equal("gp-template-name", Assert.Single(await redis.StreamGroupInfoAsync(stream)).Name);
        await WaitUntilAcknowledgedAsync(redis, stream);
    }

    [Fact]
    public async Task AnEntryWithoutPayloadIsDeadLetteredAndDoesNotBlockTheStream()
    {
        var stream = $"work-{Guid.NewGuid():N}";
        await using var app = await service.StartAsync(new Dictionary<string, string?> { ["Worker:Stream"] = stream });
        var client = app.CreateClient();
        var redis = app.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var before = (await client.GetFromJsonAsync<WorkStatus>("/work/status", Ct))!.Processed;

        var bad = await redis.StreamAddAsync(stream, "something", "else");
        await redis.StreamAddAsync(stream, "payload", "after the bad one");

        await WaitForAsync(client, s => s.Processed >= before + 1);
        var deadLetter = Assert.Single(await redis.StreamRangeAsync($"{stream}:dead-letter"));
        Assert.Equal(bad.ToString(), deadLetter["id"].ToString());
        await WaitUntilAcknowledgedAsync(redis, stream);
    }
#if (usePostgres)

    [Fact]
    public async Task ProcessedWorkIsKeptInPostgreSqlAcrossRestarts()
    {
        var stream = $"work-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string?> { ["Worker:Stream"] = stream };
        long processed;
        await using (var first = await service.StartAsync(settings))
        {
            var client = first.CreateClient();
            var before = (await client.GetFromJsonAsync<WorkStatus>("/work/status", Ct))!.Processed;
            await first.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().StreamAddAsync(stream, "payload", "durable");
            processed = (await WaitForAsync(client, s => s.Processed > before)).Processed;
        }

        await using var second = await service.StartAsync(settings);
        var status = await second.CreateClient().GetFromJsonAsync<WorkStatus>("/work/status", Ct);

        Assert.True(status!.Processed >= processed, $"{status.Processed} < {processed}");
        Assert.NotNull(status.LastProcessedAt);
    }
#endif
#else

    [Fact]
    public async Task TheScheduledWorkRunsEveryInterval()
    {
        await using var app = await service.StartAsync();

        var status = await WaitForAsync(app.CreateClient(), s => s.Processed >= 3);

        Assert.NotNull(status.LastProcessedAt);
    }
#if (usePostgres)

    [Fact]
    public async Task ProcessedWorkIsKeptInPostgreSqlAcrossRestarts()
    {
        long processed;
        await using (var first = await service.StartAsync())
        {
            processed = (await WaitForAsync(first.CreateClient(), s => s.Processed >= 1)).Processed;
        }

        await using var second = await service.StartAsync(new Dictionary<string, string?> { ["Worker:Interval"] = "01:00:00" });
        var status = await second.CreateClient().GetFromJsonAsync<WorkStatus>("/work/status", Ct);

        Assert.True(status!.Processed >= processed, $"{status.Processed} < {processed}");
    }
#endif
#endif

#if (useRedis)
    // An entry is acknowledged just after its work is recorded: wait for the acknowledgement, not only the record.
    private static async Task WaitUntilAcknowledgedAsync(IDatabase redis, string stream)
    {
        var clock = Stopwatch.StartNew();
        long pending;
        while ((pending = Assert.Single(await redis.StreamGroupInfoAsync(stream)).PendingMessageCount) > 0)
        {
            Assert.True(clock.Elapsed < Patience, $"{pending} entries of {stream} were still not acknowledged after {Patience.TotalSeconds} s");
            await Task.Delay(100, Ct);
        }
    }

#endif
    private static async Task<WorkStatus> WaitForAsync(HttpClient client, Func<WorkStatus, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = (await client.GetFromJsonAsync<WorkStatus>("/work/status", Ct))!;
            if (done(status))
            {
                return status;
            }

            Assert.True(clock.Elapsed < Patience, $"The work did not get done within {Patience.TotalSeconds} s; last status: {status}");
            await Task.Delay(100, Ct);
        }
    }
}
