using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using GoldenPath.Catalog.Contracts;
using Npgsql;

namespace GoldenPath.Platform.Tests.Replicas;

/// <summary>
/// A fleet of instances heartbeating through one address (a load balancer) as the SDK does, open loop: each instance
/// sends a heartbeat every <c>interval</c>, on time whatever the others wait for, and sends one that failed (no answer,
/// or a 5xx) again until it is taken. Alongside, readers read the services' catalog entries through the same address,
/// reading again after a failure; and a monitor reads the store directly, to see whether an instance was ever expired.
/// It records what the clients saw and what the store held.
/// </summary>
internal sealed class Fleet : IDisposable
{
    private const int Readers = 4;

    private readonly HttpClient _client;
    private readonly string _team;
    private readonly string _database;
    private readonly TimeSpan _interval;
    private readonly List<(string Service, string Instance)> _instances;
    private readonly int _perService;
    private readonly Stopwatch _clock = new();
    private long _acknowledged;
    private long _reads;

    public Fleet(Uri address, string token, string team, string database, int services, int perService, TimeSpan interval)
    {
        _client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(10),
        };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _team = team;
        _database = database;
        _interval = interval;
        _perService = perService;
        _instances = [.. Enumerable.Range(0, services).SelectMany(s => Enumerable.Range(0, perService).Select(i => ($"rolling-{s}", $"i-{i:D4}")))];
    }

    public int Instances => _instances.Count;

    /// <summary>Heartbeats acknowledged so far.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Catalog reads answered 200 so far.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>Heartbeats no attempt got acknowledged, with the statuses of their attempts.</summary>
    public ConcurrentBag<string> Lost { get; } = [];

    /// <summary>For each acknowledged heartbeat: from its first attempt to the acknowledgement (a retried one takes longer).</summary>
    public ConcurrentBag<TimeSpan> TimeToAcknowledge { get; } = [];

    /// <summary>For each heartbeat: how late its first attempt left (the load generator's own lag on a busy machine).</summary>
    public ConcurrentBag<TimeSpan> Lateness { get; } = [];

    /// <summary>The status of every heartbeat attempt that was not acknowledged (0: no answer).</summary>
    public ConcurrentBag<int> FailedHeartbeatAttempts { get; } = [];

    /// <summary>The status of every catalog read attempt that was not answered 200 (0: no answer).</summary>
    public ConcurrentBag<int> FailedReadAttempts { get; } = [];

    /// <summary>Reads that never got a 200, even after retries.</summary>
    public ConcurrentBag<string> FailedReads { get; } = [];

    /// <summary>Reads whose answer did not show every instance of the service live.</summary>
    public ConcurrentBag<string> IncompleteReads { get; } = [];

    /// <summary>The most instances the store held as expired at one time, and the oldest last heartbeat it held.</summary>
    public (long MostExpired, TimeSpan Stalest) Store => (Interlocked.Read(ref _mostExpired), TimeSpan.FromMilliseconds(Interlocked.Read(ref _stalestMs)));

    private long _mostExpired;
    private long _stalestMs;

    /// <summary>
    /// Registers every instance (its first heartbeat, with the service's identity), 32 at a time, before the fleet runs:
    /// registering is not what a rolling restart is measured by.
    /// </summary>
    public async Task RegisterAsync()
    {
        var queue = new ConcurrentQueue<(string Service, string Instance)>(_instances);
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var instance))
            {
                await BeatOnceAsync(instance, TimeSpan.Zero, record: false);
            }
        })));
        Assert.True(Lost.IsEmpty, $"Registrations failed: {string.Join("; ", Lost.Take(10))}");
        FailedHeartbeatAttempts.Clear();
    }

    /// <summary>Heartbeats, reads and the store's monitor, until <paramref name="stop"/>; then waits for the heartbeats in flight.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        _clock.Start();
        var work = new List<Task> { HeartbeatsAsync(stop), MonitorAsync(stop) };
        work.AddRange(Enumerable.Range(0, Readers).Select(r => ReadsAsync(r, stop)));
        await Task.WhenAll(work);
    }

    /// <summary>
    /// Instance k beats at k·interval/n past each interval: n/interval heartbeats a second, spread evenly. As the SDK's
    /// loop does, an instance sends its next heartbeat only once the last one was taken (or given up): a heartbeat still
    /// being retried when the next is due delays it, and shows as lateness.
    /// </summary>
    private Task HeartbeatsAsync(CancellationToken stop) =>
        Task.WhenAll(_instances.Select((instance, k) => Task.Run(async () =>
        {
            var round = 0;
            for (var due = _interval * k / _instances.Count; !stop.IsCancellationRequested; due += _interval, round++)
            {
                var wait = due - _clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(wait, stop);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                await BeatAsync(instance, due, record: true);
                if (round == 0)
                {
                    Interlocked.Increment(ref _registered);
                }
            }
        }, CancellationToken.None)));

    private long _inFlight;
    private long _registered;

    /// <summary>Instances whose first heartbeat of the run was taken or given up: from then on, none may expire.</summary>
    public long Registered => Interlocked.Read(ref _registered);

    /// <summary>Heartbeats sent and not yet acknowledged or given up.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    private async Task BeatAsync((string Service, string Instance) instance, TimeSpan due, bool record)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await BeatOnceAsync(instance, due, record);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task BeatOnceAsync((string Service, string Instance) instance, TimeSpan due, bool record)
    {
        var first = _clock.Elapsed;
        if (record)
        {
            Lateness.Add(first - due);
        }

        var attempts = new List<int>();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * attempt, 500)), CancellationToken.None);
            }

            var status = await SendHeartbeatAsync(instance);
            if (status is 200 or 201)
            {
                Interlocked.Increment(ref _acknowledged);
                if (record)
                {
                    TimeToAcknowledge.Add(_clock.Elapsed - first);
                }

                return;
            }

            attempts.Add(status);
            FailedHeartbeatAttempts.Add(status);
            if (status is >= 400 and < 500)
            {
                break; // the SDK does not send a refused registration again
            }
        }

        Lost.Add($"{instance.Service}/{instance.Instance} due at {due.TotalSeconds:F1} s: {string.Join(", ", attempts)}");
    }

    private async Task<int> SendHeartbeatAsync((string Service, string Instance) instance)
    {
        try
        {
            using var response = await _client.PutAsJsonAsync($"/api/v1/services/{instance.Service}/instances/{instance.Instance}",
                Replica.Registration(_team), PlatformJsonContext.Default.InstanceRegistration, CancellationToken.None);
            return (int)response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    /// <summary>One reader: a service's entry every 100 ms, each read again until answered 200, after Retry-After.</summary>
    private async Task ReadsAsync(int reader, CancellationToken stop)
    {
        var services = _instances.Select(i => i.Service).Distinct().ToList();
        for (var n = reader; !stop.IsCancellationRequested; n += Readers)
        {
            var service = services[n % services.Count];
            var read = false;
            for (var attempt = 0; attempt < 20 && !read; attempt++)
            {
                var (status, retryAfter, description) = await ReadAsync(service);
                if (status == 200)
                {
                    read = true;
                    Interlocked.Increment(ref _reads);
                    var live = description!.Instances.Count(i => i.ExpiresAt > DateTimeOffset.UtcNow);
                    // Once every instance had a heartbeat in the run: registering them all took longer than a TTL.
                    if (description.Instances.Count != _perService && Registered == _instances.Count)
                    {
                        IncompleteReads.Add($"{service}: {description.Instances.Count} of {_perService} instances live (per its expiry: {live})");
                    }
                }
                else
                {
                    FailedReadAttempts.Add(status);
                    await Task.Delay(retryAfter ?? TimeSpan.FromMilliseconds(200), CancellationToken.None);
                }
            }

            if (!read)
            {
                FailedReads.Add(service);
            }

            try
            {
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<(int Status, TimeSpan? RetryAfter, ServiceDescription? Description)> ReadAsync(string service)
    {
        try
        {
            using var response = await _client.GetAsync($"/api/v1/services/{service}", CancellationToken.None);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return ((int)response.StatusCode, response.Headers.RetryAfter?.Delta, null);
            }

            return (200, null, await response.Content.ReadFromJsonAsync(PlatformJsonContext.Default.ServiceDescription, CancellationToken.None));
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return (0, null, null);
        }
    }

    /// <summary>Every 250 ms once every instance had a heartbeat in the run (registering them all can take longer than their TTL), straight from the store: how many instances are expired, and the oldest last heartbeat.</summary>
    private async Task MonitorAsync(CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync(CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            if (Registered < _instances.Count)
            {
                try
                {
                    await Task.Delay(250, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            await using (var command = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE \"ExpiresAt\" <= now()), COALESCE(EXTRACT(EPOCH FROM now() - min(\"LastHeartbeatAt\")) * 1000, 0)::bigint FROM instances", connection))
            await using (var row = await command.ExecuteReaderAsync(CancellationToken.None))
            {
                await row.ReadAsync(CancellationToken.None);
                Max(ref _mostExpired, row.GetInt64(0));
                Max(ref _stalestMs, row.GetInt64(1));
            }

            try
            {
                await Task.Delay(250, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static void Max(ref long field, long value)
    {
        for (var seen = Interlocked.Read(ref field); value > seen; seen = Interlocked.Read(ref field))
        {
            if (Interlocked.CompareExchange(ref field, value, seen) == seen)
            {
                return;
            }
        }
    }

    /// <summary>The p-th percentile of some durations, in ms.</summary>
    public static double Percentile(IEnumerable<TimeSpan> values, double p)
    {
        var sorted = values.Select(v => v.TotalMilliseconds).Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
    }

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{InFlight} in flight; {Acknowledged} heartbeats acknowledged in {_clock.Elapsed.TotalSeconds:F0} s ({Acknowledged / _clock.Elapsed.TotalSeconds:F0}/s offered {Instances / _interval.TotalSeconds:F0}/s); " +
        $"to acknowledge p50 {Percentile(TimeToAcknowledge, 50):F0} ms, p99 {Percentile(TimeToAcknowledge, 99):F0} ms, max {Percentile(TimeToAcknowledge, 100):F0} ms; " +
        $"first attempt late p99 {Percentile(Lateness, 99):F0} ms, max {Percentile(Lateness, 100):F0} ms; " +
        $"failed heartbeat attempts [{string.Join(", ", FailedHeartbeatAttempts.GroupBy(s => s).Select(g => $"{g.Key}: {g.Count()}"))}]; " +
        $"{Reads} reads, failed read attempts [{string.Join(", ", FailedReadAttempts.GroupBy(s => s).Select(g => $"{g.Key}: {g.Count()}"))}]; " +
        $"store: most expired at once {Store.MostExpired}, stalest last heartbeat {Store.Stalest.TotalMilliseconds:F0} ms");

    public void Dispose() => _client.Dispose();
}
