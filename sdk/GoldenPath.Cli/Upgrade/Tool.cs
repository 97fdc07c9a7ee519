using System.Diagnostics;
using System.Text;

namespace GoldenPath.Cli.Upgrade;

/// <summary>The finished run of an external program (dotnet, git): its exit code and what it wrote.</summary>
internal sealed record ToolResult(string Command, int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The command and its messages, for an error that says what failed.</summary>
    public string Describe() => $"`{Command}` exited with {ExitCode}: {(Error.Trim().Length > 0 ? Error.Trim() : Output.Trim())}";
}

/// <summary>Runs dotnet and git for <c>goldenpath upgrade</c>, in English and without telemetry banners.</summary>
internal static class Tool
{
    public static async Task<ToolResult> RunAsync(string file, IEnumerable<string> arguments, string workingDirectory, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        var command = $"{file} {string.Join(' ', start.ArgumentList)}";
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            return new ToolResult(command, process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return new ToolResult(command, -1, "", $"{file} could not be started ({exception.Message}); is it installed and on PATH?");
        }
    }
}
