using System.CommandLine;
using GoldenPath.Cli.Commands;

namespace GoldenPath.Cli;

/// <summary>
/// The <c>goldenpath</c> commands (System.CommandLine). Exit codes, the same for every command:
/// <see cref="ExitCodes.Success"/> 0, <see cref="ExitCodes.Failed"/> 1 (the check failed: policy errors, an invalid
/// file, a refused report, a missing tool), <see cref="ExitCodes.Usage"/> 2 (bad arguments, a path that does not exist,
/// missing settings).
/// </summary>
internal static class GoldenPathCli
{
    /// <summary>Builds the command tree.</summary>
    /// <param name="environment">Reads environment variables (tests pass their own).</param>
    /// <param name="time">The clock.</param>
    /// <returns>The root command.</returns>
    public static RootCommand Create(Func<string, string?>? environment = null, TimeProvider? time = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        time ??= TimeProvider.System;
        var root = new RootCommand("goldenpath: the golden path's checks and reports, for CI and developers.");
        root.Subcommands.Add(new Command("manifests", "Kubernetes manifests.") { ManifestsCommands.Validate(environment, time) });
        root.Subcommands.Add(new Command("namespace", "A team's namespace for an environment.") { NamespaceCommands.Render() });
        root.Subcommands.Add(new Command("deployment", "Deployments, for DORA metrics.") { DeploymentCommands.Report(environment, time) });
        root.Subcommands.Add(new Command("catalog", "The service catalog.") { CatalogCommands.Validate() });
        root.Subcommands.Add(DoctorCommand.Create(environment));
        root.Subcommands.Add(Upgrade.UpgradeCommand.Create(environment));
        return root;
    }

    /// <summary>Parses and runs a command line; usage errors exit with 2.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="environment">Reads environment variables.</param>
    /// <param name="time">The clock.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<string, string?>? environment = null, TimeProvider? time = null)
    {
        var parse = Create(environment, time).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync($"goldenpath: {problem.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'goldenpath --help' (or '<command> --help') for the usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).ConfigureAwait(false);
    }
}

/// <summary>The exit codes of every command.</summary>
internal static class ExitCodes
{
    /// <summary>Everything passed.</summary>
    public const int Success = 0;

    /// <summary>The check failed (policy errors, an invalid file, a refused report, a missing tool).</summary>
    public const int Failed = 1;

    /// <summary>The command could not run: bad arguments, a missing path or setting.</summary>
    public const int Usage = 2;
}
