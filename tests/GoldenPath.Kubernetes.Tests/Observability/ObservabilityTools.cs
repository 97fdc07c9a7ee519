using System.Diagnostics;
using System.Text;
using GoldenPath.Tests;

namespace GoldenPath.Kubernetes.Tests.Observability;

/// <summary>The real tools the observability tests run: promtool, prometheus, kubectl and the npm checkers of eng/observability.</summary>
internal static class ObservabilityTools
{
    public static string CheckersFolder => Path.Combine(Repository.Root, "eng", "observability");

    /// <summary>A program on PATH; a test that needs it fails, never skips, when it is missing.</summary>
    public static string OnPath(string name) => PrometheusServer.OnPath(name);

    /// <summary>Runs a program to its end; returns its exit code and its standard output and error together.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? Path.GetTempPath() };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, new StringBuilder(await output).Append(await error).ToString());
    }

    /// <summary>Runs one of eng/observability's node scripts on files.</summary>
    public static Task<(int ExitCode, string Output)> NodeCheckAsync(string script, IEnumerable<string> files)
    {
        if (!Directory.Exists(Path.Combine(CheckersFolder, "node_modules")))
        {
            throw new InvalidOperationException($"The npm packages of {CheckersFolder} are not installed; run ./build.sh prereqs (eng/prereqs-observability-npm.sh).");
        }

        return RunAsync(OnPath("node"), [Path.Combine(CheckersFolder, script), .. files], CheckersFolder);
    }
}
