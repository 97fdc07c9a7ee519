using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace GoldenPath.Bench;

/// <summary>
/// 7. The platform as 1, 2 or 3 replicas on one PostgreSQL: heartbeats at fixed offered rates, spread over the replicas
/// as a Service spreads connections (each request to the next replica in turn), with catalog reads alongside; and the
/// CPU each heartbeat costs the replicas and PostgreSQL, which is what says how many a core carries.
/// </summary>
internal static class Replicas
{
    /// <summary>Runs the rates against the replicas at <paramref name="platformUrls"/> and prints one Markdown row per rate.</summary>
    public static async Task<string> LoadAsync(string[] platformUrls, int[] replicaPids, string postgresCpuFile, string adminToken, int instances, int services,
        int rounds, int seconds, int[] rates, int readRate)
    {
        var clients = platformUrls.Select(url => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(url),
            Timeout = TimeSpan.FromSeconds(10),
        }).ToArray();
        try
        {
            // A team token, as the services' instances hold (looked up in the store and cached per replica).
            string token;
            using (var create = new HttpRequestMessage(HttpMethod.Post, "api/v1/tokens") { Content = JsonContent.Create(new { team = "team-bench", scopes = new[] { "catalog:write" }, name = "bench" }) })
            {
                create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
                using var created = await clients[0].SendAsync(create);
                created.EnsureSuccessStatusCode();
                token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
            }

            foreach (var client in clients)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            var next = 0;
            HttpClient Next() => clients[(int)((uint)Interlocked.Increment(ref next) % clients.Length)];

            await Parallel.ForEachAsync(Enumerable.Range(0, services), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (s, ct) =>
            {
                using var response = await Next().PutAsJsonAsync($"api/v1/services/{Benchmarks.ServiceName(s)}", new { owner = "team-bench", lifecycle = "production", system = "bench" }, ct);
                response.EnsureSuccessStatusCode();
            });
            await Parallel.ForEachAsync(Enumerable.Range(0, instances), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
            {
                using var response = await Next().PutAsync($"api/v1/services/{Benchmarks.ServiceName(i % services)}/instances/i-{i:00000}", Benchmarks.InstanceBody(i), ct);
                response.EnsureSuccessStatusCode();
            });

            var text = new StringBuilder();
            foreach (var rate in rates)
            {
                var results = new List<(double Achieved, List<double> Latencies, int Errors, List<double> Reads, int ReadErrors, double PlatformCpuMs, double PostgresCpuMs)>();
                for (var round = 0; round < rounds; round++)
                {
                    var (platformCpu, postgresCpu) = (CpuMs(replicaPids), PostgresCpuMs(postgresCpuFile));
                    var run = await OpenLoopAsync(Next, rate, readRate, seconds, instances, services);
                    var heartbeats = Math.Max(1, run.Achieved * seconds);
                    results.Add((run.Achieved, run.Latencies, run.Errors, run.Reads, run.ReadErrors,
                        (CpuMs(replicaPids) - platformCpu) / heartbeats, (PostgresCpuMs(postgresCpuFile) - postgresCpu) / heartbeats));
                    Console.Error.WriteLine($"  {platformUrls.Length} replicas, round {round + 1}, {rate}/s offered: {Measure.F(run.Achieved, "0")}/s, p99 {Measure.F(Measure.Percentile(run.Latencies, 99))} ms, {run.Errors} errors");
                }

                double Median(Func<(double Achieved, List<double> Latencies, int Errors, List<double> Reads, int ReadErrors, double PlatformCpuMs, double PostgresCpuMs), double> value) =>
                    Measure.Median(results.Select(value));
                text.Line($"| {platformUrls.Length} | {rate} | {Measure.F(Median(r => r.Achieved), "0")} | {Measure.F(Median(r => Measure.Percentile(r.Latencies, 50)))} | " +
                    $"{Measure.Spread(results.Select(r => Measure.Percentile(r.Latencies, 99)), "0.00")} | {results.Sum(r => r.Errors)} | " +
                    $"{Measure.F(Median(r => Measure.Percentile(r.Reads, 95)))} | {results.Sum(r => r.ReadErrors)} | " +
                    $"{Measure.F(Median(r => r.PlatformCpuMs), "0.000")} | {(postgresCpuFile.Length > 0 ? Measure.F(Median(r => r.PostgresCpuMs), "0.000") : "–")} |");
            }

            return text.ToString();
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static double CpuMs(int[] pids) => pids.Sum(pid => Measure.CpuTime(pid).TotalMilliseconds);

    /// <summary>The CPU time of PostgreSQL's container so far, from its cgroup's <c>cpuacct.usage</c> (ns) or <c>cpu.stat</c> (<c>usage_usec</c>).</summary>
    private static double PostgresCpuMs(string file)
    {
        if (file.Length == 0)
        {
            return 0;
        }

        var text = File.ReadAllText(file);
        return file.EndsWith("cpu.stat", StringComparison.Ordinal)
            ? long.Parse(text.Split('\n').First(l => l.StartsWith("usage_usec ", StringComparison.Ordinal))[11..], CultureInfo.InvariantCulture) / 1000.0
            : long.Parse(text.Trim(), CultureInfo.InvariantCulture) / 1e6;
    }

    /// <summary>Open loop: request n leaves at n/rate s whatever the others wait for; latency counts from then, so queueing shows.</summary>
    private static async Task<(double Achieved, List<double> Latencies, int Errors, List<double> Reads, int ReadErrors)> OpenLoopAsync(
        Func<HttpClient> next, int rate, int readRate, int seconds, int instances, int services)
    {
        var (latencies, reads) = (new List<double>(), new List<double>());
        var (errors, readErrors, succeeded) = (0, 0, 0);
        var total = rate * seconds;
        var readEvery = readRate > 0 ? Math.Max(1, rate / readRate) : int.MaxValue;
        var clock = Stopwatch.StartNew();
        var tasks = new List<Task>(total + (seconds * readRate));
        var random = new Random(rate);
        for (var n = 0; n < total; n++)
        {
            var due = TimeSpan.FromSeconds((double)n / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var i = random.Next(instances);
            var client = next();
            tasks.Add(Send(() => client.PutAsync($"api/v1/services/{Benchmarks.ServiceName(i % services)}/instances/i-{i:00000}", Benchmarks.InstanceBody(i)), due, latencies, write: true));
            if (n % readEvery == 0)
            {
                var reader = next();
                var s = random.Next(services);
                tasks.Add(Send(() => reader.GetAsync($"api/v1/services/{Benchmarks.ServiceName(s)}"), due, reads, write: false));
            }
        }

        await Task.WhenAll(tasks);
        latencies.Sort();
        reads.Sort();
        return (succeeded / clock.Elapsed.TotalSeconds, latencies, errors, reads, readErrors);

        async Task Send(Func<Task<HttpResponseMessage>> request, TimeSpan due, List<double> into, bool write)
        {
            try
            {
                using var response = await request();
                await response.Content.LoadIntoBufferAsync();
                var elapsed = (clock.Elapsed - due).TotalMilliseconds;
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref write ? ref errors : ref readErrors);
                }
                else if (write)
                {
                    Interlocked.Increment(ref succeeded);
                }

                lock (into)
                {
                    into.Add(elapsed);
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref write ? ref errors : ref readErrors);
            }
        }
    }
}
