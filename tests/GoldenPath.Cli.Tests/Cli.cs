using System.Diagnostics;

namespace GoldenPath.Cli.Tests;

/// <summary>Runs the CLI in-process (<c>Parse(...).InvokeAsync()</c> through <see cref="GoldenPathCli.RunAsync"/>) or a real program.</summary>
internal static class Cli
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => await RunAsync(null, args);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(Dictionary<string, string?>? environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await GoldenPathCli.RunAsync(args, output, error, environment is null ? Environment.GetEnvironmentVariable : name => environment.GetValueOrDefault(name));
        return (exitCode, output.ToString(), error.ToString());
    }

    public static async Task<(int ExitCode, string Output)> ProcessAsync(string file, string[] arguments, string directory)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
