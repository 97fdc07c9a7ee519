using System.Globalization;
using GoldenPath.Bench;

// The GoldenPath benchmarks; bench/run.sh runs them and writes bench/results.md. Each command prints a Markdown section.
string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

int Int(string name, int fallback) => int.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

switch (args.FirstOrDefault())
{
    case "serve":
        await Services.RunAsync(args[1], args[2..]);
        break;
    case "sink":
        await Benchmarks.SinkAsync(args[1..]);
        break;
    case "overhead":
        Console.Write(await Benchmarks.OverheadAsync(Int("--rounds", 3), Int("--seconds", 10), Int("--warmup", 12), Option("--platform", ""), Option("--token", ""), Option("--otlp", ""),
            Option("--before", "") is { Length: > 0 } before ? before : null));
        break;
    case "startup":
        Console.Write(await Benchmarks.StartupAsync(Int("--rounds", 10), Option("--platform", ""), Option("--token", ""), Option("--otlp", ""), Option("--ready-to-run", "") is { Length: > 0 } r2r ? r2r : null,
            Option("--before", "") is { Length: > 0 } startBefore ? startBefore : null, args.Contains("--breakdown"), Option("--aot", "") is { Length: > 0 } aot ? aot : null,
            Option("--variants", "") is { Length: > 0 } only ? only.Split(',') : null));
        break;
    case "platform-load":
        Console.Write(await Benchmarks.PlatformLoadAsync(Option("--platform", ""), Option("--token", ""), Int("--instances", 10_000), Int("--services", 1_000), Int("--rounds", 3), Int("--seconds", 10),
            [.. Option("--rates", "333,2000,4000").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture))], Int("--read-rate", 20),
            Option("--counters", ""), Int("--platform-pid", 0),
            Option("--before-platform", "") is { Length: > 0 } beforePlatform ? (beforePlatform, Int("--before-pid", 0), Option("--before-label", "the build before")) : null));
        break;
    case "replicas-load":
        Console.Write(await Replicas.LoadAsync(Option("--platforms", "").Split(','), [.. Option("--pids", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))],
            Option("--postgres-cpu", ""), Option("--token", ""), Int("--instances", 10_000), Int("--services", 1_000), Int("--rounds", 3), Int("--seconds", 10),
            [.. Option("--rates", "1000,2000").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture))], Int("--read-rate", 20)));
        break;
    case "manifests":
        Console.Write(Benchmarks.Manifests([.. Option("--counts", "10,100,1000").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))], Int("--repeats", 3)));
        break;
    case "prometheus":
        await PortalBench.PrometheusAsync(args[1..], Int("--every", 3));
        break;
    case "portal":
        Console.Write(await PortalBench.RunAsync(Option("--platform", ""), Option("--token", ""), Option("--postgres-container", ""), Int("--services", 1_000), Int("--teams", 10), Int("--weeks", 52), Int("--seconds", 10),
            Option("--counters", ""), Int("--platform-pid", 0)));
        break;
    default:
        Console.Error.WriteLine("usage: GoldenPath.Bench serve <bare|aspire|goldenpath> | sink | prometheus | overhead | startup | platform-load | replicas-load | manifests | portal [options]; see bench/README.md");
        return 2;
}

return 0;
