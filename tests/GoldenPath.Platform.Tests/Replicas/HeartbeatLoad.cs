using System.Collections.Concurrent;
using System.Net.Http.Json;
using GoldenPath.Catalog.Contracts;

namespace GoldenPath.Platform.Tests.Replicas;

/// <summary>
/// Instances heartbeating as the SDK does: each heartbeat to a first platform address; one that fails (no answer, or an
/// answer of 5xx) is sent again to another until one takes it, as the SDK retries through the Service to any replica.
/// It remembers what each address answered, and the last heartbeat the platform acknowledged for each instance.
/// </summary>
internal sealed class HeartbeatLoad(HttpClient first, HttpClient retry, string team, IReadOnlyList<(string Service, string Instance)> instances)
{
    /// <summary>What the first address answered: the status, or 0 when the request got no answer.</summary>
    public ConcurrentBag<int> FirstAnswers { get; } = [];

    /// <summary>The last acknowledged heartbeat of each instance, as the platform wrote it.</summary>
    public ConcurrentDictionary<(string Service, string Instance), DateTimeOffset> Acknowledged { get; } = new();

    /// <summary>Heartbeats that no address took, even after retries.</summary>
    public ConcurrentBag<string> Lost { get; } = [];

    public int AcknowledgedCount => _acknowledged;

    private int _acknowledged;

    /// <summary>Sends <paramref name="rounds"/> heartbeats of every instance, <paramref name="concurrency"/> at a time.</summary>
    public async Task RunAsync(int rounds, int concurrency)
    {
        var work = new ConcurrentQueue<(string Service, string Instance)>(Enumerable.Range(0, rounds).SelectMany(_ => instances));
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (work.TryDequeue(out var instance))
            {
                await BeatAsync(instance);
            }
        })));
    }

    private async Task BeatAsync((string Service, string Instance) instance)
    {
        var status = await SendAsync(first, instance);
        FirstAnswers.Add(status);
        for (var attempt = 0; status is < 200 or >= 300 && attempt < 10; attempt++)
        {
            await Task.Delay(50 * (attempt + 1), Replica.Ct);
            status = await SendAsync(retry, instance);
        }

        if (status is < 200 or >= 300)
        {
            Lost.Add($"{instance.Service}/{instance.Instance}: {status}");
        }
    }

    private async Task<int> SendAsync(HttpClient client, (string Service, string Instance) instance)
    {
        try
        {
            using var response = await client.PutAsJsonAsync($"/api/v1/services/{instance.Service}/instances/{instance.Instance}",
                Replica.Registration(team), PlatformJsonContext.Default.InstanceRegistration, Replica.Ct);
            if (response.IsSuccessStatusCode)
            {
                var written = (await response.Content.ReadFromJsonAsync(PlatformJsonContext.Default.ServiceInstance, Replica.Ct))!;
                Acknowledged.AddOrUpdate(instance, written.LastHeartbeatAt, (_, before) => before > written.LastHeartbeatAt ? before : written.LastHeartbeatAt);
                Interlocked.Increment(ref _acknowledged);
            }

            return (int)response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !Replica.Ct.IsCancellationRequested)
        {
            return 0;
        }
    }

    /// <summary>Asserts that the store holds one live row per instance, each with at least its last acknowledged heartbeat.</summary>
    public async Task AssertNothingLostAsync(string database)
    {
        Assert.Empty(Lost);
        Assert.Equal(instances.Count, await Replica.CountAsync(database, "SELECT count(*) FROM instances"));
        Assert.Equal(instances.Count, await Replica.CountAsync(database, "SELECT count(*) FROM instances WHERE \"ExpiresAt\" > now()"));
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync(Replica.Ct);
        await using var read = new Npgsql.NpgsqlCommand("SELECT \"ServiceName\", \"InstanceId\", \"LastHeartbeatAt\" FROM instances", connection);
        await using var rows = await read.ExecuteReaderAsync(Replica.Ct);
        var stored = new Dictionary<(string, string), DateTimeOffset>();
        while (await rows.ReadAsync(Replica.Ct))
        {
            stored[(rows.GetString(0), rows.GetString(1))] = new DateTimeOffset(DateTime.SpecifyKind(rows.GetDateTime(2), DateTimeKind.Utc));
        }

        foreach (var (instance, acknowledged) in Acknowledged)
        {
            Assert.True(stored.TryGetValue(instance, out var last) && last >= acknowledged.AddMilliseconds(-1),
                $"{instance.Service}/{instance.Instance}: the platform acknowledged a heartbeat at {acknowledged:O} but the store has {(stored.ContainsKey(instance) ? last.ToString("O") : "no row")}");
        }
    }
}
