using System.Globalization;

namespace GoldenPath.Bench;

/// <summary>
/// The platform's request durations as it measures them: ASP.NET Core's <c>http.server.request.duration</c>
/// histogram, read from the running process with <c>dotnet-counters collect</c> (its CSV output, one row per
/// percentile, route and interval). Each percentile is the worst of the run's intervals.
/// </summary>
internal sealed class ServerDurations
{
    private readonly Dictionary<(string Method, string Route, int Percentile), double> _worstMs = [];

    public static async Task<ServerDurations> StartAsync(string counters, int pid, int seconds)
    {
        var file = Path.Combine(Path.GetTempPath(), $"goldenpath-bench-counters-{Guid.NewGuid():N}.csv");
        try
        {
            var duration = TimeSpan.FromSeconds(seconds);
            var (exitCode, output) = await Measure.RunAsync(counters, "collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "--counters", "Microsoft.AspNetCore.Hosting",
                "--refresh-interval", "5", "--format", "csv", "-o", file, "--duration", $"{duration.Days:00}:{duration.Hours:00}:{duration.Minutes:00}:{duration.Seconds:00}");
            if (exitCode != 0 || !File.Exists(file))
            {
                throw new InvalidOperationException($"dotnet-counters could not read the platform's metrics (exit {exitCode}): {output}");
            }

            var result = new ServerDurations();
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                // Timestamp,Provider,Counter Name,Counter Type,Mean/Increment; the name carries the tags in brackets.
                var fields = line.Split(',');
                if (fields.Length < 5 || !fields[2].StartsWith("http.server.request.duration", StringComparison.Ordinal))
                {
                    continue;
                }

                var tags = fields[2][(fields[2].IndexOf('[') + 1)..].TrimEnd(']').Split(';').Select(t => t.Split('=', 2)).Where(t => t.Length == 2).ToDictionary(t => t[0], t => t[1]);
                if (tags.TryGetValue("http.request.method", out var method) && tags.TryGetValue("http.route", out var route) && tags.TryGetValue("Percentile", out var percentile)
                    && double.TryParse(fields[4], CultureInfo.InvariantCulture, out var valueSeconds))
                {
                    var key = (method, route, int.Parse(percentile, CultureInfo.InvariantCulture));
                    result._worstMs[key] = Math.Max(result._worstMs.GetValueOrDefault(key), valueSeconds * 1000);
                }
            }

            return result;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The worst interval's percentile of a route; a Razor page's route is its template without the leading '/' (<c>portal/teams/{team}</c>).</summary>
    public double Get(string method, string route, int percentile) =>
        _worstMs.TryGetValue((method, route, percentile), out var ms) || _worstMs.TryGetValue((method, route.TrimStart('/'), percentile), out ms) ? ms : double.NaN;

    public string Format(string method, string route) =>
        $"{Measure.F(Get(method, route, 50))} / {Measure.F(Get(method, route, 95))} / {Measure.F(Get(method, route, 99))}";
}
