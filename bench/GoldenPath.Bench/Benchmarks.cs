using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text;
using System.Text.RegularExpressions;
using GoldenPath.Kubernetes;

namespace GoldenPath.Bench;

/// <summary>The measurements. Each writes a Markdown section; baselines run interleaved with the candidate in one invocation.</summary>
internal static partial class Benchmarks
{
    /// <summary>An OTLP/HTTP receiver that accepts every export (an empty protobuf response is a valid Export*ServiceResponse).</summary>
    public static async Task SinkAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        long bytes = 0;
        app.MapPost("/v1/{signal}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            Interlocked.Add(ref bytes, body.Length);
            return Results.Bytes([], "application/x-protobuf");
        });
        app.MapGet("/received", () => Interlocked.Read(ref bytes));
        await app.RunAsync();
    }

    /// <summary>A service measured: the program's mode and what its environment adds.</summary>
    private sealed record Variant(string Key, string Mode, string Label, params (string Name, string Value)[] Settings);

    private static readonly Variant[] s_overheadVariants =
    [
        new("bare", "bare", "bare minimal API"),
        new("aspire", "aspire", "Aspire ServiceDefaults equivalent (every trace exported)"),
        new("goldenpath", "goldenpath", "golden path (AddGoldenPath, defaults: one trace in ten)"),
        new("goldenpath-all", "goldenpath", "golden path, every trace exported (`TraceSampleRatio=1`)", ("GoldenPath__Telemetry__TraceSampleRatio", "1")),
        new("aspire-sampled", "aspire", "Aspire ServiceDefaults equivalent, one trace in ten (`OTEL_TRACES_SAMPLER`)", ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"), ("OTEL_TRACES_SAMPLER_ARG", "0.1")),
        new("goldenpath-untraced", "goldenpath", "golden path, no traces (`DisableTracing`)", ("GoldenPath__Telemetry__DisableTracing", "true")),
    ];

    /// <summary>1. Request overhead with wrk: bare vs Aspire's ServiceDefaults vs the golden path (telemetry to a live receiver, registration), and what the cost is made of.</summary>
    /// <remarks>
    /// With <paramref name="before"/> (this program built from an earlier commit) also the golden path as it was, with its
    /// defaults, interleaved with it as it is in the same rounds: the A/B of a request-path change in one invocation.
    /// </remarks>
    public static async Task<string> OverheadAsync(int rounds, int seconds, int warmup, string platformUrl, string platformToken, string otlpUrl, string? before = null)
    {
        List<Variant> variants = [.. s_overheadVariants];
        if (before is not null)
        {
            variants.Insert(3, new("goldenpath-before", "goldenpath", $"golden path before these changes ({BuildLabel(before)}), defaults"));
        }

        var results = variants.ToDictionary(v => v.Key, _ => new List<(double Rps, double P50, double P99, double CpuUs)>());
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var round = 0; round < rounds; round++)
        {
            // Rotate the order every round so that no variant always runs first or last.
            var shift = round % variants.Count;
            foreach (var variant in variants.Skip(shift).Concat(variants.Take(shift)))
            {
                var port = Measure.FreePort();
                var url = $"http://127.0.0.1:{port}";
                var environment = Environment(variant.Mode, url, platformUrl, platformToken, otlpUrl);
                foreach (var (name, value) in variant.Settings)
                {
                    environment[name] = value;
                }

                var process = Measure.StartSelf(["serve", variant.Mode], environment, variant.Key == "goldenpath-before" ? before : null);
                try
                {
                    await Measure.WaitReadyAsync(client, $"{url}/health/ready", Stopwatch.StartNew(), process, TimeSpan.FromSeconds(60));
                    // Warm-up: tiered compilation takes seconds under load to reach optimized code, and longer for more code;
                    // a short warm-up measures the JIT rather than the golden path (after 2 s the golden path ran at 60 % of its speed after 10 s).
                    await WrkAsync($"{url}/api/items/42", warmup);
                    var cpu = Measure.CpuTime(process.Id);
                    var run = await WrkAsync($"{url}/api/items/42", seconds);
                    var cpuUs = (Measure.CpuTime(process.Id) - cpu).TotalMicroseconds / (run.Rps * seconds);
                    results[variant.Key].Add((run.Rps, run.P50, run.P99, cpuUs));
                    Console.Error.WriteLine($"  round {round + 1} {variant.Key,-20} {Measure.F(run.Rps, "0")} req/s  p50 {Measure.F(run.P50, "0.000")} ms  p99 {Measure.F(run.P99, "0.000")} ms  {Measure.F(cpuUs, "0.0")} µs CPU/request");
                }
                finally
                {
                    Measure.Stop(process);
                }
            }
        }

        double Median(string key, Func<(double Rps, double P50, double P99, double CpuUs), double> value) => Measure.Median(results[key].Select(value));
        var text = new StringBuilder();
        text.Line("| service | requests/s | p50 ms | p99 ms | service CPU µs per request | throughput vs bare | p99 vs bare |").Line("|---|---|---|---|---|---|---|");
        foreach (var variant in variants)
        {
            var r = results[variant.Key];
            text.Line($"| {variant.Label} | {Measure.Spread(r.Select(x => x.Rps), "0")} | {Measure.Spread(r.Select(x => x.P50), "0.000")} | {Measure.Spread(r.Select(x => x.P99), "0.000")} | " +
                $"{Measure.Spread(r.Select(x => x.CpuUs), "0.0")} | {Measure.F(Median(variant.Key, x => x.Rps) / Median("bare", x => x.Rps))}x | {Measure.F(Median(variant.Key, x => x.P99) / Median("bare", x => x.P99))}x |");
        }

        var golden = Median("goldenpath", x => x.Rps) / Median("bare", x => x.Rps);
        var goldenP99 = Median("goldenpath", x => x.P99) / Median("bare", x => x.P99);
        var aspire = Median("goldenpath", x => x.Rps) / Median("aspire", x => x.Rps);
        var sameSampling = Median("goldenpath-all", x => x.Rps) / Median("aspire", x => x.Rps);
        text.Line().Line($"Goals (golden path with its defaults): throughput >= 0.92x bare: **{Measure.F(golden)}x ({Verdict(golden >= 0.92)})**; p99 <= 1.2x bare: **{Measure.F(goldenP99)}x ({Verdict(goldenP99 <= 1.2)})**; " +
            $"not slower than the ServiceDefaults equivalent: **{Measure.F(aspire)}x ({Verdict(aspire >= 0.97)}, within 3 % counts as equal)**; " +
            $"with every trace exported, as the equivalent does: {Measure.F(sameSampling)}x of its throughput." +
            (before is null ? "" : $" Against the golden path before these changes, in the same rounds: throughput {Measure.F(Median("goldenpath", x => x.Rps) / Median("goldenpath-before", x => x.Rps))}x, " +
                $"p99 {Measure.F(Median("goldenpath", x => x.P99) / Median("goldenpath-before", x => x.P99))}x, service CPU per request {Measure.F(Median("goldenpath", x => x.CpuUs) / Median("goldenpath-before", x => x.CpuUs))}x."));
        text.Line().Line($"{rounds} rounds, variants interleaved and rotated; each round `wrk -t2 -c32 -d{seconds}s --latency` after a {warmup} s warm-up of the same, against `GET /api/items/42` (a record as JSON, and one Information log line that every variant writes to standard output). Medians, (min–max). " +
            "Service CPU: user and system time of the service process during the measured run, per request served; it leaves out wrk and the OTLP receiver, which share the machine's cores with the service.");
        return text.ToString();
    }

    /// <summary>One service started in the start-up comparison: a mode of this program (or of the copy at <c>Program</c>), with extra settings.</summary>
    private sealed record StartVariant(string Key, string Mode, string? Program, string Label, string Baseline, params (string Name, string Value)[] Settings);

    /// <summary>
    /// 2. Start-up: process start to the first 200 from /health/ready, and the resident set then; with
    /// <paramref name="readyToRun"/> (this program published with ReadyToRun code) also bare and golden path from that copy;
    /// with <paramref name="before"/> (this program built from an earlier commit) the golden path as it was, interleaved with
    /// it as it is; with <paramref name="breakdown"/> the golden path with one part turned off at a time (what each part
    /// costs); with <paramref name="aot"/> (a folder with the Native AOT build of the same services) bare and golden path AOT.
    /// </summary>
    public static async Task<string> StartupAsync(int rounds, string platformUrl, string platformToken, string otlpUrl, string? readyToRun,
        string? before = null, bool breakdown = false, string? aot = null, string[]? only = null)
    {
        List<StartVariant> variants =
        [
            new("bare", "bare", null, Label("bare"), "bare"),
            new("aspire", "aspire", null, Label("aspire"), "bare"),
            new("goldenpath", "goldenpath", null, Label("goldenpath"), "bare"),
        ];
        if (before is not null)
        {
            variants.Add(new("goldenpath-before", "goldenpath", before, $"golden path before these changes ({BuildLabel(before)})", "bare"));
        }

        if (breakdown)
        {
            variants.Add(new("gp-no-registration", "goldenpath", null, "golden path without registration (`Platform:DisableRegistration`)", "bare", ("GoldenPath__Platform__DisableRegistration", "true")));
            variants.Add(new("gp-no-otlp", "goldenpath", null, "golden path, no OTLP endpoint (nothing exported; registration on)", "bare", ("OTEL_EXPORTER_OTLP_ENDPOINT", "")));
            variants.Add(new("gp-no-tracing", "goldenpath", null, "golden path without traces (`DisableTracing`)", "bare", ("GoldenPath__Telemetry__DisableTracing", "true")));
            variants.Add(new("gp-no-metrics", "goldenpath", null, "golden path without metrics (`DisableMetrics`)", "bare", ("GoldenPath__Telemetry__DisableMetrics", "true")));
            variants.Add(new("gp-no-log-export", "goldenpath", null, "golden path without log export (`DisableLogExport`)", "bare", ("GoldenPath__Telemetry__DisableLogExport", "true")));
            variants.Add(new("gp-no-http-defaults", "goldenpath", null, "golden path without resilience and service discovery", "bare", ("GoldenPath__Http__DisableResilience", "true"), ("GoldenPath__Http__DisableServiceDiscovery", "true")));
            variants.Add(new("gp-no-redaction", "goldenpath", null, "golden path without log redaction (`DisableRedaction`)", "bare", ("GoldenPath__Logging__DisableRedaction", "true")));
        }

        if (readyToRun is not null)
        {
            variants.Add(new("bare-r2r", "bare", readyToRun, "bare minimal API, published with ReadyToRun", "bare-r2r"));
            variants.Add(new("goldenpath-r2r", "goldenpath", readyToRun, "golden path, published with ReadyToRun", "bare-r2r"));
        }

        if (aot is not null)
        {
            var program = Path.Combine(aot, "GoldenPath.Bench.Aot");
            variants.Add(new("bare-aot", "bare", program, "bare minimal API, Native AOT", "bare"));
            variants.Add(new("goldenpath-aot", "goldenpath", program, "golden path, Native AOT", "bare"));
        }

        if (only is { Length: > 0 })
        {
            // A subset (bench/run.sh never passes one): the baselines the ratios need stay in.
            variants.RemoveAll(v => !only.Contains(v.Key) && v.Key is not ("bare" or "aspire" or "goldenpath"));
        }

        var results = variants.ToDictionary(v => v.Key, _ => new List<(double Ms, double MiB)>());
        var counts = variants.ToDictionary(v => v.Key, _ => new List<double[]>());
        var probeFile = Path.Combine(Path.GetTempPath(), $"goldenpath-bench-probe-{System.Environment.ProcessId}");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        for (var round = 0; round < rounds; round++)
        {
            var shift = round % variants.Count;
            foreach (var variant in variants.Skip(shift).Concat(variants.Take(shift)))
            {
                var url = $"http://127.0.0.1:{Measure.FreePort()}";
                var environment = Environment(variant.Mode, url, platformUrl, platformToken, otlpUrl);
                foreach (var (name, value) in variant.Settings)
                {
                    environment[name] = value;
                }

                File.Delete(probeFile);
                environment[StartupProbe.Variable] = probeFile;
                var clock = Stopwatch.StartNew();
                var process = Measure.StartSelf(["serve", variant.Mode], environment, variant.Program);
                try
                {
                    var ready = await Measure.WaitReadyAsync(client, $"{url}/health/ready", clock, process, TimeSpan.FromSeconds(60));
                    await Task.Delay(500); // what it holds once started, not a peak of the first request
                    results[variant.Key].Add((ready.TotalMilliseconds, Measure.WorkingSetMiB(process.Id)));
                    if (await ReadProbeAsync(probeFile) is { } probe)
                    {
                        counts[variant.Key].Add(probe);
                    }
                }
                finally
                {
                    Measure.Stop(process);
                }
            }
        }

        double Ratio(string key, string baseline, Func<(double Ms, double MiB), double> value) =>
            Measure.Median(results[key].Select(value)) / Measure.Median(results[baseline].Select(value));
        var text = new StringBuilder();
        text.Line("| service | start to ready, ms | working set, MiB | start-up vs bare | working set vs bare | start-up vs the equivalent | working set vs the equivalent |").Line("|---|---|---|---|---|---|---|");
        foreach (var variant in variants)
        {
            text.Line($"| {variant.Label} | {Measure.Spread(results[variant.Key].Select(x => x.Ms), "0")} | {Measure.Spread(results[variant.Key].Select(x => x.MiB), "0.0")} | " +
                $"{Measure.F(Ratio(variant.Key, variant.Baseline, x => x.Ms))}x | {Measure.F(Ratio(variant.Key, variant.Baseline, x => x.MiB))}x | " +
                $"{Measure.F(Ratio(variant.Key, "aspire", x => x.Ms))}x | {Measure.F(Ratio(variant.Key, "aspire", x => x.MiB))}x |");
        }

        // The counts the probe took in each service (StartupProbe): the same in every round whatever the load, so they
        // show a change of start-up's work that the times above cannot.
        string Count(string key, int index, double scale, string format) =>
            counts[key].Count == 0 ? "–" : Measure.F(Measure.Median(counts[key].Select(c => c[index] / scale)), format);
        text.Line().Line("What each did, counted inside the process (medians): at its first ready answer, and 0.5 s later when the working set is read. " +
                "Allocations, methods JIT-compiled (0 with Native AOT) and assemblies do not depend on the machine's load; CPU time (all threads, user and system) little.")
            .Line().Line("| service | CPU at ready, ms | allocated at ready, MiB | JIT-compiled at ready | assemblies at ready | CPU +0.5 s, ms | allocated +0.5 s, MiB | JIT-compiled +0.5 s |").Line("|---|---|---|---|---|---|---|---|");
        foreach (var variant in variants)
        {
            text.Line($"| {variant.Label} | {Count(variant.Key, 3, 1, "0")} | {Count(variant.Key, 0, 1 << 20, "0.00")} | {Count(variant.Key, 1, 1, "0")} | {Count(variant.Key, 2, 1, "0")} | " +
                $"{Count(variant.Key, 7, 1, "0")} | {Count(variant.Key, 4, 1 << 20, "0.00")} | {Count(variant.Key, 5, 1, "0")} |");
        }

        var time = Ratio("goldenpath", "aspire", x => x.Ms);
        var memory = Ratio("goldenpath", "aspire", x => x.MiB);
        text.Line().Line($"Goal: golden path / the ServiceDefaults equivalent <= 1.00x (JIT): start-up **{Measure.F(time)}x ({Verdict(time <= 1.0)})**, working set **{Measure.F(memory)}x ({Verdict(memory <= 1.0)})**; " +
            $"against bare: start-up {Measure.F(Ratio("goldenpath", "bare", x => x.Ms))}x, working set {Measure.F(Ratio("goldenpath", "bare", x => x.MiB))}x (the equivalent {Measure.F(Ratio("aspire", "bare", x => x.Ms))}x and {Measure.F(Ratio("aspire", "bare", x => x.MiB))}x)." +
            (before is null ? "" : $" Against the golden path before these changes, in the same rounds: start-up {Measure.F(Ratio("goldenpath", "goldenpath-before", x => x.Ms))}x, working set {Measure.F(Ratio("goldenpath", "goldenpath-before", x => x.MiB))}x.") +
            (readyToRun is null ? "" : $" Both published with ReadyToRun: start-up {Measure.F(Ratio("goldenpath-r2r", "bare-r2r", x => x.Ms))}x, " +
                $"golden path {Measure.F(Ratio("goldenpath-r2r", "goldenpath", x => x.Ms))}x of its start-up without."));
        if (aot is not null)
        {
            var aotTime = Ratio("goldenpath-aot", "bare", x => x.Ms);
            var aotMemory = Ratio("goldenpath-aot", "bare", x => x.MiB);
            var aotVsBareAot = Ratio("goldenpath-aot", "bare-aot", x => x.Ms);
            text.Line().Line($"Native AOT goals: golden path AOT start-up <= 0.5x bare JIT: **{Measure.F(aotTime)}x ({Verdict(aotTime <= 0.5)})**; working set <= 0.8x bare JIT: **{Measure.F(aotMemory)}x ({Verdict(aotMemory <= 0.8)})**; " +
                $"start-up <= 1.3x bare AOT: **{Measure.F(aotVsBareAot)}x ({Verdict(aotVsBareAot <= 1.3)})** (working set {Measure.F(Ratio("goldenpath-aot", "bare-aot", x => x.MiB))}x bare AOT).");
        }

        text.Line().Line($"{rounds} rounds, rotating which starts first; `dotnet GoldenPath.Bench.dll serve <mode>` (Release, framework-dependent, its own folder as content root), polled every 5 ms, working set read 0.5 s after the first 200; " +
            "the golden path registers with the platform and exports to the OTLP receiver, as in section 1." +
            (readyToRun is null ? "" : " ReadyToRun: the same program from `dotnet publish --use-current-runtime --self-contained false -p:PublishReadyToRun=true` (every assembly precompiled; the framework's already are).") +
            (aot is null ? "" : " Native AOT: `bench/GoldenPath.Bench.Aot`, the same services (Services.cs) published with `PublishAot`; its ratios are against bare JIT unless named."));
        return text.ToString();
    }

    /// <summary>The probe's eight counts (StartupProbe), waited for up to 5 s; null when the build measured has no probe.</summary>
    private static async Task<double[]?> ReadProbeAsync(string file)
    {
        for (var waited = 0; waited < 5000; waited += 50)
        {
            if (File.Exists(file) && File.ReadAllText(file) is { } text && text.EndsWith('\n'))
            {
                return [.. text.Split(' ', StringSplitOptions.TrimEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
            }

            await Task.Delay(50);
        }

        return null;
    }

    /// <summary>What a build of this program at <paramref name="assembly"/> is: the commit written beside it by run.sh, or its folder.</summary>
    private static string BuildLabel(string assembly) =>
        File.Exists(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(assembly))!, "commit.txt"))
            ? File.ReadAllText(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(assembly))!, "commit.txt")).Trim()
            : Path.GetDirectoryName(assembly)!;

    /// <summary>
    /// 3. The platform under registration load and catalog reads. With <paramref name="before"/> (a platform built from
    /// another commit, on its own database of the same PostgreSQL server), both are loaded in the same rounds, one after
    /// the other and in turns, and compared.
    /// </summary>
    public static async Task<string> PlatformLoadAsync(string platformUrl, string adminToken, int instances, int services, int rounds, int seconds, int[] rates, int readRate, string counters, int platformPid,
        (string Url, int Pid, string Label)? before = null)
    {
        using var http = await SeedPlatformAsync(platformUrl, adminToken, instances, services);
        using var beforeHttp = before is { } b ? await SeedPlatformAsync(b.Url, adminToken, instances, services) : null;
        var body = (int i) => InstanceBody(i);

        // Every rate once per round, the rounds one after the other; each cell is the median of the rounds. With a
        // platform to compare, both take each rate in the same round, which one first alternating round by round.
        var runs = rates.ToDictionary(r => r, _ => new List<(double Achieved, List<double> Latencies, int Errors, List<double> Reads, List<double> PageReads, List<double> ServiceReads, int ReadErrors)>());
        var measuredByPlatform = rates.ToDictionary(r => r, _ => new List<ServerDurations>());
        var beforeRuns = rates.ToDictionary(r => r, _ => new List<(double Achieved, List<double> Latencies, int Errors, List<double> Reads, List<double> PageReads, List<double> ServiceReads, int ReadErrors)>());
        var beforeMeasured = rates.ToDictionary(r => r, _ => new List<ServerDurations>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var rate in rates)
            {
                var targets = new List<(HttpClient Http, int Pid, string Label, List<(double Achieved, List<double> Latencies, int Errors, List<double> Reads, List<double> PageReads, List<double> ServiceReads, int ReadErrors)> Runs, List<ServerDurations> Measured)>
                {
                    (http, platformPid, "this tree", runs[rate], measuredByPlatform[rate]),
                };
                if (beforeHttp is not null)
                {
                    targets.Insert(round % 2, (beforeHttp, before!.Value.Pid, before.Value.Label, beforeRuns[rate], beforeMeasured[rate]));
                }

                foreach (var target in targets)
                {
                    var measured = counters.Length > 0 ? ServerDurations.StartAsync(counters, target.Pid, seconds) : null;
                    var run = await OpenLoopAsync(target.Http, rate, readRate, seconds, instances, services, body);
                    target.Runs.Add(run);
                    if (measured is not null)
                    {
                        target.Measured.Add(await measured);
                    }

                    Console.Error.WriteLine($"  round {round + 1} {rate}/s offered{(beforeHttp is null ? "" : $" ({target.Label})")}: {Measure.F(run.Achieved, "0")}/s achieved, p99 {Measure.F(Measure.Percentile(run.Latencies, 99))} ms, {run.Errors} errors; " +
                        $"reads p95 {Measure.F(Measure.Percentile(run.Reads, 95))} ms");
                }
            }
        }

        // What a read costs the platform, apart from the heartbeats' CPU that dominates the loaded runs: the catalog read
        // alone, two at a time, the platform's CPU per answer (user and system time from /proc), in the same turns.
        var readCpu = new Dictionary<string, List<(double Page, double One)>>(StringComparer.Ordinal) { ["this tree"] = [], ["before"] = [] };
        for (var round = 0; round < rounds; round++)
        {
            var targets = new List<(HttpClient Http, int Pid, string Key)> { (http, platformPid, "this tree") };
            if (beforeHttp is not null)
            {
                targets.Insert(round % 2, (beforeHttp, before!.Value.Pid, "before"));
            }

            foreach (var target in targets)
            {
                var page = await ReadCpuAsync(target.Http, target.Pid, seconds, services, s => $"api/v1/services?limit=20&after={ServiceName(s)}");
                var one = await ReadCpuAsync(target.Http, target.Pid, seconds, services, s => $"api/v1/services/{ServiceName(s)}");
                readCpu[target.Key].Add((page, one));
                Console.Error.WriteLine($"  round {round + 1} reads alone ({target.Key}): platform CPU {Measure.F(page)} ms per page, {Measure.F(one)} ms per service");
            }
        }

        const string Heartbeat = "/api/v1/services/{name}/instances/{instanceId}";
        const string Page = "/api/v1/services/";
        const string One = "/api/v1/services/{name}";
        var text = new StringBuilder();
        text.Line("| heartbeats offered/s | achieved/s | p50 ms | p95 ms | p99 ms (min–max) | errors | all catalog reads p50 / p95 / p99 ms | a page of 20 p50 / p95 / p99 ms | one service p50 / p95 / p99 ms | read errors |")
            .Line("|---|---|---|---|---|---|---|---|---|---|");
        var goal = "";
        foreach (var rate in rates)
        {
            var r = runs[rate];
            double Median(Func<(double Achieved, List<double> Latencies, int Errors, List<double> Reads, List<double> PageReads, List<double> ServiceReads, int ReadErrors), double> value) => Measure.Median(r.Select(value));
            string Percentiles(Func<(double Achieved, List<double> Latencies, int Errors, List<double> Reads, List<double> PageReads, List<double> ServiceReads, int ReadErrors), List<double>> sorted) =>
                $"{Measure.F(Median(x => Measure.Percentile(sorted(x), 50)))} / {Measure.F(Median(x => Measure.Percentile(sorted(x), 95)))} / {Measure.F(Median(x => Measure.Percentile(sorted(x), 99)))}";
            var (errors, readErrors) = (r.Sum(x => x.Errors), r.Sum(x => x.ReadErrors));
            text.Line($"| {rate} | {Measure.F(Median(x => x.Achieved), "0")} | {Measure.F(Median(x => Measure.Percentile(x.Latencies, 50)))} | {Measure.F(Median(x => Measure.Percentile(x.Latencies, 95)))} | " +
                $"{Measure.Spread(r.Select(x => Measure.Percentile(x.Latencies, 99)), "0.00")} | {errors} | {Percentiles(x => x.Reads)} | {Percentiles(x => x.PageReads)} | {Percentiles(x => x.ServiceReads)} | {readErrors} |");
            if (rate == 2000)
            {
                var p99 = Median(x => Measure.Percentile(x.Latencies, 99));
                var reads95 = Median(x => Measure.Percentile(x.Reads, 95));
                var met = p99 < 25 && Median(x => x.Achieved) >= 1900 && errors == 0;
                goal = $"Goal at 2,000 heartbeats/s: p99 < 25 ms: **{Measure.F(p99)} ms ({Verdict(met)}{(met || p99 >= 25 ? "" : ": errors or under 1,900/s achieved")})**; " +
                    $"catalog reads p95 < 10 ms: **{Measure.F(reads95)} ms ({Verdict(reads95 < 10 && readErrors == 0)})**.";
            }
        }

        var server = new StringBuilder();
        var serverGoal = "";
        if (counters.Length > 0)
        {
            server.Line("| heartbeats offered/s | heartbeats p50 / p95 / p99 ms | a page of 20 p50 / p95 / p99 ms | one service p50 / p95 / p99 ms |").Line("|---|---|---|---|");
            foreach (var rate in rates)
            {
                var m = measuredByPlatform[rate];
                double Median(string method, string route, int percentile) => Measure.Median(m.Select(d => d.Get(method, route, percentile)));
                string Percentiles(string method, string route) => $"{Measure.F(Median(method, route, 50))} / {Measure.F(Median(method, route, 95))} / {Measure.F(Median(method, route, 99))}";
                server.Line($"| {rate} | {Percentiles("PUT", Heartbeat)} | {Percentiles("GET", Page)} | {Percentiles("GET", One)} |");
                if (rate == 2000)
                {
                    var (heartbeat99, page95, one95) = (Median("PUT", Heartbeat, 99), Median("GET", Page, 95), Median("GET", One, 95));
                    serverGoal = $"As the platform measures itself at 2,000 heartbeats/s: heartbeat p99 < 25 ms: **{Measure.F(heartbeat99)} ms ({Verdict(heartbeat99 < 25)})**; " +
                        $"catalog reads p95 < 10 ms: **page {Measure.F(page95)} ms, one service {Measure.F(one95)} ms ({Verdict(Math.Max(page95, one95) < 10)})**.";
                }
            }
        }

        text.Line().Line(goal).Line().Line($"{instances:N0} instances of {services:N0} services on PostgreSQL, each heartbeat a `PUT .../instances/{{id}}` with a team token; open loop " +
            $"(latency counted from the scheduled send time, so queueing shows), {rounds} rounds of {seconds} s per rate, medians of the rounds; catalog reads alongside at {readRate}/s, alternating a page of 20 services " +
            $"with their live instances (`GET /api/v1/services?limit=20&after=...`) and one service (`GET /api/v1/services/{{name}}`). " +
            $"{instances:N0} instances at the default 30 s heartbeat are {instances / 30}/s. Achieved: successful responses per second of the run. " +
            "The load generator runs on the same two cores as the platform and PostgreSQL: its own scheduling, and reading each 100 KB page, are in these latencies.");
        if (counters.Length > 0)
        {
            text.Line().Line("The same runs as the platform measures itself: ASP.NET Core's `http.server.request.duration` histogram, read with `dotnet-counters` " +
                "(Microsoft.AspNetCore.Hosting, 5 s intervals; of each run the worst interval, then the median of the rounds), from the request's arrival to its response:")
                .Line().Append(server).Line().Line(serverGoal);
        }

        text.Line().Line($"The platform's CPU per read, the reads alone (two at a time, {seconds} s per read and round, no heartbeats; user and system time of the platform process " +
            $"over the answers it gave, median of the rounds): a page of 20 **{Measure.F(Measure.Median(readCpu["this tree"].Select(x => x.Page)))} ms**, " +
            $"one service **{Measure.F(Measure.Median(readCpu["this tree"].Select(x => x.One)))} ms**.");
        if (before is { } compared)
        {
            // Paired by round: each ratio is this tree's figure over the other build's in the same round, then the median.
            string Pair(Func<int, List<double>> after, Func<int, List<double>> was, int rate) =>
                $"{Measure.F(Measure.Median(was(rate)))} → {Measure.F(Measure.Median(after(rate)))} ({Measure.F(Measure.Median(after(rate).Zip(was(rate), (a, w) => a / w)))}x)";
            List<double> Client(Dictionary<int, List<(double Achieved, List<double> Latencies, int Errors, List<double> Reads, List<double> PageReads, List<double> ServiceReads, int ReadErrors)>> r, int rate,
                Func<(double Achieved, List<double> Latencies, int Errors, List<double> Reads, List<double> PageReads, List<double> ServiceReads, int ReadErrors), List<double>> sorted, int percentile) =>
                [.. r[rate].Select(x => Measure.Percentile(sorted(x), percentile))];
            List<double> Server(Dictionary<int, List<ServerDurations>> m, int rate, string method, string route, int percentile) => [.. m[rate].Select(d => d.Get(method, route, percentile))];
            text.Line().Line($"Against {compared.Label}, loaded in the same rounds (its own database on the same PostgreSQL server; which build goes first alternates by round): " +
                "its figure → this tree's (the median of the rounds' ratios, this tree over the other; below 1.00x is faster).").Line()
                .Line("| heartbeats offered/s | a page of 20 p95 ms, as the platform measures it | one service p95 ms, as the platform measures it | a page of 20 p95 ms, client | one service p95 ms, client | heartbeat p99 ms, client | heartbeats achieved/s |")
                .Line("|---|---|---|---|---|---|---|");
            foreach (var rate in rates)
            {
                var pageServer = counters.Length > 0 ? Pair(r => Server(measuredByPlatform, r, "GET", Page, 95), r => Server(beforeMeasured, r, "GET", Page, 95), rate) : "–";
                var oneServer = counters.Length > 0 ? Pair(r => Server(measuredByPlatform, r, "GET", One, 95), r => Server(beforeMeasured, r, "GET", One, 95), rate) : "–";
                text.Line($"| {rate} | {pageServer} | {oneServer} | {Pair(r => Client(runs, r, x => x.PageReads, 95), r => Client(beforeRuns, r, x => x.PageReads, 95), rate)} | " +
                    $"{Pair(r => Client(runs, r, x => x.ServiceReads, 95), r => Client(beforeRuns, r, x => x.ServiceReads, 95), rate)} | " +
                    $"{Pair(r => Client(runs, r, x => x.Latencies, 99), r => Client(beforeRuns, r, x => x.Latencies, 99), rate)} | " +
                    $"{Measure.F(Measure.Median(beforeRuns[rate].Select(x => x.Achieved)), "0")} → {Measure.F(Measure.Median(runs[rate].Select(x => x.Achieved)), "0")} |");
            }

            string CpuPair(Func<(double Page, double One), double> value) =>
                $"{Measure.F(Measure.Median(readCpu["before"].Select(value)))} → {Measure.F(Measure.Median(readCpu["this tree"].Select(value)))} " +
                $"({Measure.F(Measure.Median(readCpu["this tree"].Zip(readCpu["before"], (a, w) => value(a) / value(w))))}x)";
            text.Line().Line($"The platform's CPU per read, the reads alone, in the same turns: a page of 20 {CpuPair(x => x.Page)} ms, one service {CpuPair(x => x.One)} ms.");
        }

        return text.ToString();
    }

    /// <summary>The platform's CPU in ms per answer to <paramref name="read"/> of random services, two requests at a time for <paramref name="seconds"/>.</summary>
    private static async Task<double> ReadCpuAsync(HttpClient http, int pid, int seconds, int services, Func<int, string> read)
    {
        for (var i = 0; i < 20; i++)
        {
            using var warm = await http.GetAsync(read(i));
        }

        var answered = 0;
        var cpu = Measure.CpuTime(pid);
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 2).Select(async worker =>
        {
            var random = new Random(worker);
            while (until.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                using var response = await http.GetAsync(read(random.Next(services)));
                await response.Content.CopyToAsync(Stream.Null);
                // Every answer must be a read served: a refused one (e.g. 429 from the read rate limit) costs CPU
                // too, and left out of the count it would inflate the CPU per answer.
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"The platform answered {(int)response.StatusCode} to GET {response.RequestMessage?.RequestUri}: the CPU per read counts only reads served; raise GoldenPath:Platform:ReadsPerSecond for the bench's platform.");
                }

                Interlocked.Increment(ref answered);
            }
        }));
        return (Measure.CpuTime(pid) - cpu).TotalMilliseconds / Math.Max(1, answered);
    }

    /// <summary>The name of the s-th service of a seeded catalog (sections 3 and 8).</summary>
    internal static string ServiceName(int s) => $"svc-{s:0000}";

    /// <summary>The registration of the i-th instance of a seeded fleet (sections 3 and 8).</summary>
    internal static JsonContent InstanceBody(int i) => JsonContent.Create(new
    {
        version = "1.0.0", environment = "prod", sdkVersion = "0.1.0",
        endpoints = new[] { $"http://10.0.{i / 250}.{i % 250}:8080" },
        health = new { live = $"http://10.0.{i / 250}.{i % 250}:8080/health/live", ready = $"http://10.0.{i / 250}.{i % 250}:8080/health/ready", startup = (string?)null },
        dependencies = new[] { new { name = "postgres", kind = "postgres" } },
        status = "Healthy",
        telemetryConfigured = true,
    });

    /// <summary>A client of the platform with a team token, the catalog's services and every instance registered once.</summary>
    private static async Task<HttpClient> SeedPlatformAsync(string platformUrl, string adminToken, int instances, int services)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(platformUrl),
            Timeout = TimeSpan.FromSeconds(10),
        };

        // As in production: the services' instances heartbeat with their team's token (looked up in the store), not the bootstrap token.
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using (var created = await http.PostAsJsonAsync("api/v1/tokens", new { team = "team-bench", scopes = new[] { "catalog:write" }, name = "bench" }))
        {
            created.EnsureSuccessStatusCode();
            var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, services), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (s, ct) =>
            await SeedAsync(() => http.PutAsJsonAsync($"api/v1/services/{ServiceName(s)}", new { owner = "team-bench", lifecycle = "production", system = "bench" }, ct)));

        // Register every instance once, then heartbeat them at each rate.
        await Parallel.ForEachAsync(Enumerable.Range(0, instances), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
            await SeedAsync(() => http.PutAsync($"api/v1/services/{ServiceName(i % services)}/instances/i-{i:00000}", InstanceBody(i), ct)));
        return http;
    }

    /// <summary>A write of the seed, tried again when it timed out or failed to connect (the seed is not measured; on a loaded machine its writes can take the client's 10 s).</summary>
    private static async Task SeedAsync(Func<Task<HttpResponseMessage>> write)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await write();
                response.EnsureSuccessStatusCode();
                return;
            }
            catch (Exception exception) when (exception is TaskCanceledException or HttpRequestException && attempt < 5)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
        }
    }

    private static async Task<(double Achieved, List<double> Latencies, int Errors, List<double> Reads, List<double> PageReads, List<double> ServiceReads, int ReadErrors)> OpenLoopAsync(
        HttpClient http, int rate, int readRate, int seconds, int instances, int services, Func<int, HttpContent> body)
    {
        var latencies = new List<double>();
        var (pageReads, serviceReads) = (new List<double>(), new List<double>());
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
            tasks.Add(Send(() => http.PutAsync($"api/v1/services/{ServiceName(i % services)}/instances/i-{i:00000}", body(i)), due, latencies, write: true));
            if (readRate > 0 && n % readEvery == 0)
            {
                var s = random.Next(services);
                var page = (n / readEvery) % 2 == 0;
                var read = page ? $"api/v1/services?limit=20&after={ServiceName(s)}" : $"api/v1/services/{ServiceName(s)}";
                tasks.Add(Send(() => http.GetAsync(read), due, page ? pageReads : serviceReads, write: false));
            }
        }

        await Task.WhenAll(tasks);
        latencies.Sort();
        pageReads.Sort();
        serviceReads.Sort();
        var reads = pageReads.Concat(serviceReads).Order().ToList();
        return (succeeded / clock.Elapsed.TotalSeconds, latencies, errors, reads, pageReads, serviceReads, readErrors);

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
                Interlocked.Increment(ref write ? ref errors : ref readErrors); // refused, reset or over the client's 10 s timeout
            }
        }
    }

    /// <summary>4. Emit and validate manifests for many workloads.</summary>
    public static string Manifests(int[] counts, int repeats)
    {
        var text = new StringBuilder();
        text.Line("| workloads | objects | emit + write, ms | read + validate, ms | total, ms | allocated, MiB | ms per workload |").Line("|---|---|---|---|---|---|---|");
        var totals = new Dictionary<int, double>();
        foreach (var count in counts)
        {
            var model = new DeploymentModel
            {
                NamespacePrefix = "team-bench",
                Workloads = [.. Enumerable.Range(0, count).Select(i => new Workload
                {
                    Name = $"svc-{i:0000}", Owner = "team-bench", System = "bench", External = i % 10 == 0,
                    Secrets = [new SecretReference("ConnectionStrings__db", "db-connection", "connection-string", "the database")],
                    Dependencies = [new WorkloadDependency("postgres", 5432), .. i > 0 ? [new WorkloadDependency($"svc-{i - 1:0000}", 80)] : Array.Empty<WorkloadDependency>()],
                })],
                DataServices = [new DataService("postgres", DataServiceKind.Postgres, "docker.io/library/postgres:17")],
            };
            var runs = new List<(double Emit, double Validate, double MiB, int Objects)>();
            for (var r = 0; r < repeats; r++)
            {
                var directory = Directory.CreateTempSubdirectory("goldenpath-bench-").FullName;
                try
                {
                    var allocated = GC.GetTotalAllocatedBytes(precise: true);
                    var clock = Stopwatch.StartNew();
                    KustomizeLayout.Write(model, directory);
                    var emit = clock.Elapsed.TotalMilliseconds;
                    var (documents, problems) = ManifestReader.ReadPath(directory);
                    var findings = PolicyEngine.Evaluate(documents);
                    var validate = clock.Elapsed.TotalMilliseconds - emit;
                    if (problems.Count > 0 || findings.Any(f => f.Fails))
                    {
                        throw new InvalidOperationException($"The emitted manifests for {count} workloads do not pass: {problems.Count} problems, {findings.Count(f => f.Fails)} errors.");
                    }

                    runs.Add((emit, validate, (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0, documents.Count));
                }
                finally
                {
                    Directory.Delete(directory, recursive: true);
                }
            }

            var total = Measure.Median(runs.Select(x => x.Emit + x.Validate));
            totals[count] = total;
            text.Line($"| {count:N0} | {runs[0].Objects:N0} | {Measure.Spread(runs.Select(x => x.Emit), "0")} | {Measure.Spread(runs.Select(x => x.Validate), "0")} | {Measure.F(total, "0")} | " +
                $"{Measure.F(Measure.Median(runs.Select(x => x.MiB)), "0")} | {Measure.F(total / count, "0.00")} |");
        }

        if (totals.TryGetValue(1000, out var thousand))
        {
            text.Line().Line($"Goal: 1,000 workloads emitted and validated in < 3 s: **{Measure.F(thousand / 1000)} s ({Verdict(thousand < 3000)})**.");
        }

        text.Line().Line($"In-process (GoldenPath.Kubernetes): `KustomizeLayout.Write` to a temporary folder, then `ManifestReader.ReadPath` and `PolicyEngine.Evaluate`; {repeats} repeats (the first includes JIT), median (min–max). " +
            "Growth: compare ms per workload across the rows (flat = linear).");
        return text.ToString();
    }

    private static Dictionary<string, string?> Environment(string mode, string url, string platformUrl, string platformToken, string otlpUrl)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = url,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        if (mode != "bare")
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpUrl;
            environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        }

        if (mode == "goldenpath")
        {
            environment["GoldenPath__Platform__Url"] = platformUrl;
            environment["GoldenPath__Platform__Token"] = platformToken;
        }

        return environment;
    }

    private static string Label(string mode) => s_overheadVariants.First(v => v.Key == mode).Label;

    private static string Verdict(bool met) => met ? "met" : "missed";

    private static async Task<(double Rps, double P50, double P99)> WrkAsync(string url, int seconds)
    {
        var (exitCode, output) = await Measure.RunAsync("wrk", "-t2", "-c32", $"-d{seconds}s", "--latency", url);
        if (exitCode != 0 || !output.Contains("Requests/sec", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"wrk failed ({exitCode}): {output}");
        }

        if (NonSuccess().Match(output) is { Success: true } errors)
        {
            throw new InvalidOperationException($"wrk saw {errors.Groups[1].Value} non-2xx responses from {url}; the measurement is void:\n{output}");
        }

        var rps = double.Parse(Rps().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        return (rps, LatencyMs(output, "50%"), LatencyMs(output, "99%"));
    }

    private static double LatencyMs(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s*{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex Rps();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();
}
