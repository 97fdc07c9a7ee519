using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GoldenPath.Catalog;
using GoldenPath.Catalog.Client;
using GoldenPath.Catalog.Contracts;

namespace GoldenPath.Cli.Commands;

/// <summary><c>goldenpath deployment report</c>.</summary>
internal static class DeploymentCommands
{
    public const string PlatformUrlVariable = "GOLDENPATH_PLATFORM_URL";
    public const string PlatformTokenVariable = "GOLDENPATH_PLATFORM_TOKEN";

    public static Command Report(Func<string, string?> environmentVariables, TimeProvider time)
    {
        var environment = new Option<string>("--environment") { Description = $"Where it was deployed ({string.Join(", ", DeploymentEnvironments.All)}; the DORA report reads {DeploymentEnvironments.Production} unless asked for another).", Required = true };
        var version = new Option<string>("--version") { Description = "The version deployed (e.g. the image tag or the commit).", Required = true };
        var outcome = new Option<string>("--outcome") { Description = "success or failure.", Required = true };
        outcome.AcceptOnlyFromAmong("success", "failure");
        var service = new Option<string?>("--service") { Description = "The service; default: the Component in --catalog-info." };
        var catalogInfo = new Option<string>("--catalog-info") { Description = "Where the service's name is read from.", DefaultValueFactory = _ => CatalogInfoReader.FileName };
        var commit = new Option<string?>("--commit") { Description = "The commit deployed; default: git's HEAD in --repository." };
        var repository = new Option<string>("--repository") { Description = "The git repository the commits are read from.", DefaultValueFactory = _ => "." };
        var startedAt = new Option<DateTimeOffset?>("--started-at") { Description = "When the deployment started (ISO 8601); default: now." };
        var url = new Option<string?>("--url") { Description = "A link to the pipeline run." };
        var id = new Option<string?>("--id") { Description = "The deployment's id, unique among the service's deployments; default: <service>-<environment>-<commit>-<CI run> (the run from GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT, CI_PIPELINE_ID or BUILD_BUILDID). Reporting the same deployment again is a no-op on the platform." };
        var manifests = new Option<string?>("--manifests") { Description = "A file with the Kubernetes manifests the deployment applied (e.g. the output of kubectl kustomize deploy/overlays/prod); the platform checks them with the policy for the service's scorecard." };
        var platformUrl = new Option<string?>("--platform-url") { Description = $"The platform; default: ${PlatformUrlVariable}." };
        var token = new Option<string?>("--token") { Description = $"A platform token with the deployments:write scope; default: ${PlatformTokenVariable}." };
        var command = new Command("report", "Report a deployment to the platform, with the commits it ships since the previous deployment to the same environment (from git), for DORA metrics. Exit 0: recorded; 1: refused by the platform or git failed; 2: missing settings.")
        {
            environment, version, outcome, service, catalogInfo, commit, repository, startedAt, url, id, manifests, platformUrl, token,
        };
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var baseUrl = parse.GetValue(platformUrl) ?? environmentVariables(PlatformUrlVariable);
            var bearer = parse.GetValue(token) ?? environmentVariables(PlatformTokenVariable);
            if (string.IsNullOrWhiteSpace(baseUrl) || !Uri.TryCreate(baseUrl.TrimEnd('/') + "/", UriKind.Absolute, out var platform))
            {
                await error.WriteLineAsync($"goldenpath: no platform URL: pass --platform-url or set {PlatformUrlVariable} (e.g. https://platform.example.com).").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            if (string.IsNullOrWhiteSpace(bearer))
            {
                await error.WriteLineAsync($"goldenpath: no platform token: pass --token or set {PlatformTokenVariable} (a token with the deployments:write scope).").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var repo = parse.GetValue(repository)!;
            var name = parse.GetValue(service);
            if (name is null)
            {
                var file = parse.GetValue(catalogInfo)!;
                if (!File.Exists(file))
                {
                    await error.WriteLineAsync($"goldenpath: no --service and no {file} to read it from.").ConfigureAwait(false);
                    return ExitCodes.Usage;
                }

                name = (await CatalogInfoReader.ReadFileAsync(file, ct).ConfigureAwait(false)).OfType<ComponentEntity>().FirstOrDefault()?.Metadata.Name;
                if (name is null)
                {
                    await error.WriteLineAsync($"goldenpath: {file} holds no Component; pass --service.").ConfigureAwait(false);
                    return ExitCodes.Usage;
                }
            }

            var manifestsFile = parse.GetValue(manifests);
            if (manifestsFile is not null && !File.Exists(manifestsFile))
            {
                await error.WriteLineAsync($"goldenpath: --manifests {manifestsFile} does not exist; write the applied manifests to it first (e.g. kubectl kustomize deploy/overlays/prod > {manifestsFile}).").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            using var http = new HttpClient { BaseAddress = platform, Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
            var client = new PlatformClient(http);
            var env = parse.GetValue(environment)!;
            try
            {
                var head = parse.GetValue(commit) ?? (await GitAsync(repo, ["rev-parse", "HEAD"], ct).ConfigureAwait(false)).Trim();
                var previous = (await client.ListDeploymentsAsync(name, env, limit: 50, ct).ConfigureAwait(false))
                    .Where(d => d.Outcome == "success" && d.Commit != head)
                    .OrderByDescending(d => d.FinishedAt)
                    .FirstOrDefault();
                var commits = await CommitsAsync(repo, previous?.Commit, head, ct).ConfigureAwait(false);
                var now = time.GetUtcNow();
                var deployment = new DeploymentEvent(
                    parse.GetValue(id) ?? DefaultId(name, env, head, environmentVariables),
                    name, env, parse.GetValue(version)!, head, parse.GetValue(startedAt) ?? now, now, parse.GetValue(outcome)!,
                    commits, Url: parse.GetValue(url),
                    Manifests: manifestsFile is null ? null : await File.ReadAllTextAsync(manifestsFile, ct).ConfigureAwait(false));
                var record = await client.ReportDeploymentAsync(deployment, ct).ConfigureAwait(false);
                await parse.InvocationConfiguration.Output.WriteLineAsync(
                    $"Reported {record.DeploymentId}: {record.Service} {record.Version} to {record.Environment}, {record.Outcome}, {record.Commits.Count} commit(s) since {(previous is null ? "the start" : previous.Commit[..Math.Min(12, previous.Commit.Length)])}.").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (PlatformApiException exception)
            {
                await error.WriteLineAsync($"goldenpath: the platform at {platform} refused the deployment report: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            catch (HttpRequestException exception)
            {
                await error.WriteLineAsync($"goldenpath: the platform at {platform} did not answer ({exception.Message}); check --platform-url and the network.").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            catch (GitException exception)
            {
                await error.WriteLineAsync($"goldenpath: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
        });
        return command;
    }

    /// <summary>
    /// <c>&lt;service&gt;-&lt;environment&gt;-&lt;commit12&gt;-&lt;run&gt;</c>: the same in a retried report step of one CI run (a no-op on the
    /// platform), another in the next run, so that an earlier commit deployed again (a rollback) is a new deployment.
    /// Outside a known CI there is no run: such a rollback needs <c>--id</c>.
    /// </summary>
    private static string DefaultId(string service, string environment, string commit, Func<string, string?> environmentVariables)
    {
        var run = environmentVariables("GITHUB_RUN_ID") is { Length: > 0 } github
            ? $"{github}.{environmentVariables("GITHUB_RUN_ATTEMPT") ?? "1"}"
            : environmentVariables("CI_PIPELINE_ID") ?? environmentVariables("BUILD_BUILDID");
        var id = $"{service}-{environment}-{commit[..Math.Min(12, commit.Length)]}";
        return string.IsNullOrEmpty(run) ? id : $"{id}-{run}";
    }

    /// <summary>The commits after <paramref name="previous"/> up to <paramref name="head"/>; all of head's history (capped) when there was no deployment or git does not know it.</summary>
    private static async Task<List<DeployedCommit>> CommitsAsync(string repository, string? previous, string head, CancellationToken ct)
    {
        var range = head;
        if (previous is not null && await IsAncestorAsync(repository, previous, head, ct).ConfigureAwait(false))
        {
            range = $"{previous}..{head}";
        }

        var log = await GitAsync(repository, ["log", "--max-count=500", "--format=%H %cI", range], ct).ConfigureAwait(false);
        return [.. log.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 2))
            .Select(parts => new DeployedCommit(parts[0], DateTimeOffset.Parse(parts[1], CultureInfo.InvariantCulture)))];
    }

    private static async Task<bool> IsAncestorAsync(string repository, string ancestor, string head, CancellationToken ct)
    {
        try
        {
            await GitAsync(repository, ["merge-base", "--is-ancestor", ancestor, head], ct).ConfigureAwait(false);
            return true;
        }
        catch (GitException)
        {
            return false; // not in this history (a force-push, a shallow clone): count from the start
        }
    }

    private static async Task<string> GitAsync(string repository, string[] arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo("git", ["-C", repository, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new GitException($"git could not be started ({exception.Message}); install git or pass --commit.");
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new GitException($"git {string.Join(' ', arguments)} in '{repository}' failed: {(await error.ConfigureAwait(false)).Trim()}; is it a git repository (with full history: fetch-depth 0)?");
            }

            return await output.ConfigureAwait(false);
        }
    }

    private sealed class GitException(string message) : Exception(message);
}
