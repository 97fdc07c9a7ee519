using System.Diagnostics;
using System.Text;

namespace GoldenPath.Backstage.Tests;

/// <summary>
/// The Backstage catalog module of integrations/backstage, compiled with its own TypeScript compiler from the packages
/// <c>./build.sh prereqs</c> installs (once per test run), and the tools run on it.
/// </summary>
internal static class BackstageModule
{
    private static readonly SemaphoreSlim s_build = new(1, 1);
    private static bool s_built;

    public static string Folder { get; } = Path.Combine(Repository.Root, "integrations", "backstage");

    /// <summary>Compiles src/, test/ and dev/ into dist/ with <c>tsc</c>, once per test run.</summary>
    public static async Task BuildAsync()
    {
        await s_build.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (s_built)
            {
                return;
            }

            var typescript = Path.Combine(Folder, "node_modules", "typescript", "bin", "tsc");
            Assert.True(File.Exists(typescript) && Directory.Exists(Path.Combine(Folder, "node_modules", "@backstage", "plugin-catalog-backend")),
                $"The Backstage packages are not installed in {Folder}/node_modules: run ./build.sh prereqs (it runs eng/prereqs-backstage.sh, npm ci into a cache).");
            var (exitCode, output) = await RunAsync("node", [typescript, "-p", "tsconfig.json"], TimeSpan.FromMinutes(2));
            Assert.True(exitCode == 0, $"tsc failed on integrations/backstage (exit {exitCode}):\n{output}");
            s_built = true;
        }
        finally
        {
            s_build.Release();
        }
    }

    /// <summary>Runs a tool in the module's folder and returns its exit code and its standard output and error.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(tool, arguments)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish within {timeout}:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
