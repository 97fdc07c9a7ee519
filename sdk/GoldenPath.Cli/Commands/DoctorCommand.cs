using System.CommandLine;
using System.Diagnostics;

namespace GoldenPath.Cli.Commands;

/// <summary><c>goldenpath doctor</c>: what this machine has of what the golden path needs, and how to get the rest.</summary>
internal static class DoctorCommand
{
    /// <summary>A tool the golden path needs: how to ask it for its version, and how to get it.</summary>
    private sealed record Requirement(string Name, string What, string File, string[] Arguments, string HowToGet);

    private static readonly Requirement[] Requirements =
    [
        new("dotnet", ".NET SDK 10 (build, test, publish)", "dotnet", ["--version"], "install the .NET 10 SDK: https://dot.net/download"),
        new("git", "git (deployment reports list the commits)", "git", ["--version"], "install git (apt-get install git)"),
        new("docker", "a Docker engine, API 1.44 or newer (container tests, the app host's PostgreSQL and Redis)", "docker", ["version", "--format", "{{.Server.APIVersion}}"],
            "install and start Docker (in the GoldenPath repository, ./build.sh prereqs does it on Debian)"),
        new("kubectl", "kubectl (kubectl kustomize builds the overlays; kubectl apply -k deploys)", "kubectl", ["version", "--client"], "install kubectl: https://kubernetes.io/docs/tasks/tools/"),
    ];

    public static Command Create(Func<string, string?> environment)
    {
        var repository = new Option<string>("--repository") { Description = "A generated repository to tell how far behind the newest template it is (where .goldenpath.json is).", DefaultValueFactory = _ => "." };
        var command = new Command("doctor", "Check this machine for what the golden path needs (dotnet, git, a Docker engine, kubectl) and say how to get what is missing; in a generated repository, also say how far behind the newest template version it is. Exit 0: all there; 1: something is missing.")
        {
            repository,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var missing = 0;
            foreach (var requirement in Requirements)
            {
                var (found, detail) = await ProbeAsync(requirement, environment, ct).ConfigureAwait(false);
                if (found && requirement.Name == "dotnet" && !detail.StartsWith("10.", StringComparison.Ordinal) && !IsNewer(detail, 10))
                {
                    (found, detail) = (false, $"SDK {detail} is older than 10");
                }

                if (found && requirement.Name == "docker" && !(Version.TryParse(detail, out var api) && api >= new Version(1, 44)))
                {
                    (found, detail) = (false, $"engine API {detail} is older than 1.44 (Testcontainers refuses it)");
                }

                missing += found ? 0 : 1;
                await output.WriteLineAsync($"{(found ? "ok     " : "MISSING")}  {requirement.Name,-8} {requirement.What}: {detail}{(found ? "" : $"; {requirement.HowToGet}")}").ConfigureAwait(false);
            }

            await output.WriteLineAsync(missing == 0 ? "Everything the golden path needs is here." : $"{missing} thing(s) missing.").ConfigureAwait(false);
            if (await TemplateGapAsync(Path.GetFullPath(parse.GetValue(repository)!), environment, ct).ConfigureAwait(false) is { } gap)
            {
                await output.WriteLineAsync(gap).ConfigureAwait(false);
            }

            return missing == 0 ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }

    /// <summary>How far the repository's template version is behind the newest on its feeds; null outside a generated repository.</summary>
    private static async Task<string?> TemplateGapAsync(string repository, Func<string, string?> environment, CancellationToken ct)
    {
        var file = Path.Combine(repository, Upgrade.GoldenPathRecord.FileName);
        if (!File.Exists(file))
        {
            return null;
        }

        var (record, problem) = Upgrade.GoldenPathRecord.Read(file);
        if (record is null)
        {
            return $"template  {problem}";
        }

        var (newest, resolveProblem) = await new Upgrade.TemplatePacks(Upgrade.TemplatePacks.DefaultCacheRoot(environment), repository, null).NewestAsync(ct).ConfigureAwait(false);
        return newest is null
            ? $"template  {record.Template} {record.TemplateVersion} (.goldenpath.json); the newest is unknown: {resolveProblem}"
            : newest == record.TemplateVersion
                ? $"template  {record.Template} {record.TemplateVersion} (.goldenpath.json): up to date"
                : $"template  {record.Template} {record.TemplateVersion} (.goldenpath.json): {Upgrade.UpgradeCommand.Gap(record.TemplateVersion, newest)} {newest}; 'dotnet goldenpath upgrade --dry-run' shows what would change";
    }

    private static bool IsNewer(string version, int major) =>
        int.TryParse(version.Split('.')[0], out var found) && found > major;

    private static async Task<(bool Found, string Detail)> ProbeAsync(Requirement requirement, Func<string, string?> environment, CancellationToken ct)
    {
        // Looked up on the PATH given (the process's own unless a test passes another).
        var file = (environment("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, requirement.File))
            .FirstOrDefault(File.Exists);
        if (file is null)
        {
            return (false, "not found on PATH");
        }

        var start = new ProcessStartInfo(file, requirement.Arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            var text = (await stdout.ConfigureAwait(false)).Trim();
            var firstLine = text.Split('\n')[0].Trim();
            return process.ExitCode == 0 && firstLine.Length > 0
                ? (true, firstLine)
                : (false, $"'{requirement.File} {string.Join(' ', requirement.Arguments)}' failed: {(await stderr.ConfigureAwait(false)).Trim().Split('\n')[0]}");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return (false, $"{file} could not be started: {exception.Message}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (false, $"'{requirement.File}' did not answer within 20 s");
        }
    }
}
