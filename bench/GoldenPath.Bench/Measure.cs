using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GoldenPath.Bench;

/// <summary>Statistics and process helpers for the benchmarks.</summary>
internal static class Measure
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>"median (min–max)".</summary>
    public static string Spread(IEnumerable<double> values, string format)
    {
        var list = values.ToList();
        return $"{Median(list).ToString(format, CultureInfo.InvariantCulture)} ({list.Min().ToString(format, CultureInfo.InvariantCulture)}–{list.Max().ToString(format, CultureInfo.InvariantCulture)})";
    }

    public static string F(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts this program (or the copy of it at <paramref name="assembly"/>, for example a ReadyToRun publish) with a
    /// command, its output discarded unless it fails.
    /// </summary>
    public static Process StartSelf(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, string? assembly = null)
    {
        var start = assembly is not null
            ? assembly.EndsWith(".dll", StringComparison.Ordinal) ? new ProcessStartInfo("dotnet", [assembly, .. arguments]) : new ProcessStartInfo(assembly, arguments)
            : Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet"
                ? new ProcessStartInfo(Environment.ProcessPath!, [typeof(Measure).Assembly.Location, .. arguments])
                : new ProcessStartInfo(Environment.ProcessPath!, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;

        // The app's own folder is its content root, as /app is in a container: started from the repository, the host's
        // configuration file watcher would walk every folder of it first.
        start.WorkingDirectory = assembly is not null ? Path.GetDirectoryName(Path.GetFullPath(assembly))! : AppContext.BaseDirectory;

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"  [{process.Id}] {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Waits until <paramref name="url"/> answers 200; returns the time from <paramref name="started"/>.</summary>
    public static async Task<TimeSpan> WaitReadyAsync(HttpClient client, string url, Stopwatch started, Process process, TimeSpan timeout)
    {
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The process exited with {process.ExitCode} before {url} answered.");
            }

            try
            {
                using var response = await client.GetAsync(url);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return started.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // no answer within the client's timeout (a loaded machine): ask again
            }

            if (started.Elapsed > timeout)
            {
                throw new TimeoutException($"{url} did not answer 200 within {timeout.TotalSeconds} s.");
            }

            await Task.Delay(5);
        }
    }

    public static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose();
    }

    /// <summary>The CPU time (user and system) a process has used so far (Linux, /proc/{pid}/stat, 10 ms resolution).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) ": fields from the third on
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime, stime
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>The resident set of a process, in MiB (Linux).</summary>
    public static double WorkingSetMiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            }
        }

        return double.NaN;
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    public static StringBuilder Line(this StringBuilder text, string line = "") => text.Append(line).Append('\n');
}
