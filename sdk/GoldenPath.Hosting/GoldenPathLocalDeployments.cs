using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using GoldenPath.Catalog.Client;
using GoldenPath.Catalog.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GoldenPath.Hosting;

/// <summary>
/// Run locally, each start of a golden-path service is reported to the app host's platform as a deployment, so that the
/// portal's service and DORA pages show the local stack's own history: the environment and version the service's
/// instance registered with, and the commit the working tree is at (<c>git</c> HEAD of the service's project).
/// </summary>
/// <remarks>
/// The report is sent with a token of the service's team that holds <c>deployments:write</c> alone, which only the app
/// host holds (never a service, never the admin token). Its id names the resource and the moment the resource started,
/// so a repeated report of one start is the same deployment, and every start (of the resource or of the app host) a new one.
/// </remarks>
internal static partial class GoldenPathLocalDeployments
{
    /// <summary>How long a service has after it turned ready to show its instance on the platform.</summary>
    private static readonly TimeSpan s_patience = TimeSpan.FromMinutes(2);

    /// <summary>Subscribes the report to <paramref name="service"/>'s ready event, in run mode only.</summary>
    public static void Register(IResourceBuilder<ProjectResource> service, Func<ProjectResource?> findPlatform)
    {
        if (!service.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return;
        }

        service.OnResourceReady((resource, ready, cancellationToken) =>
        {
            if (findPlatform() is not { } platform)
            {
                return Task.CompletedTask;
            }

            var services = ready.Services;
            var logger = services.GetRequiredService<ResourceLoggerService>().GetLogger(resource);
            var notifications = services.GetRequiredService<ResourceNotificationService>();
            var started = notifications.TryGetCurrentState(resource.Name, out var state) && state.Snapshot.StartTimeStamp is { } at
                ? new DateTimeOffset(at.ToUniversalTime(), TimeSpan.Zero)
                : DateTimeOffset.UtcNow;
            var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            // In the background: the report waits for the service's registration, which nothing that waits for the service should wait for.
            _ = Task.Run(() => ReportAsync(resource, platform, started, logger, stopping), stopping);
            return Task.CompletedTask;
        });
    }

    private static async Task ReportAsync(ProjectResource service, ProjectResource platform, DateTimeOffset started, ILogger logger, CancellationToken stopping)
    {
        try
        {
            var projectDirectory = Path.GetDirectoryName(service.GetProjectMetadata().ProjectPath)!;
            if (await HeadAsync(projectDirectory, stopping).ConfigureAwait(false) is not { } head)
            {
                Log.NoCommit(logger, service.Name, projectDirectory);
                return;
            }

            var identity = await GoldenPathServiceIdentity.ReadAsync(service, stopping).ConfigureAwait(false);
            var tokens = platform.Annotations.OfType<GoldenPathPlatformTokens>().Single();
            var token = await tokens.GetAsync(identity.Owner, GoldenPathPlatformTokens.DeploymentsScope, stopping).ConfigureAwait(false);
            using var http = await tokens.CreateClientAsync(token, stopping).ConfigureAwait(false);
            var client = new PlatformClient(http);

            var instance = await WaitForInstanceAsync(client, service.Name, started, stopping).ConfigureAwait(false);
            if (instance is null)
            {
                Log.NoInstance(logger, service.Name, (int)s_patience.TotalSeconds);
                return;
            }

            var finished = DateTimeOffset.UtcNow;
            var deployment = new DeploymentEvent(
                DeploymentId: $"local-{service.Name}-{started.ToString("yyyyMMdd'T'HHmmss.fff'Z'", CultureInfo.InvariantCulture)}",
                Service: service.Name,
                Environment: instance.Environment,
                Version: instance.Version,
                Commit: head,
                StartedAt: started <= finished ? started : finished,
                FinishedAt: finished,
                // No list of shipped commits: every start ships the same HEAD again, which would count its lead time once per start.
                Outcome: "success");
            var recorded = await client.ReportDeploymentAsync(deployment, stopping).ConfigureAwait(false);
            Log.Reported(logger, service.Name, recorded.DeploymentId, recorded.Environment, recorded.Version, recorded.Commit);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception exception) when (exception is HttpRequestException or PlatformApiException or InvalidOperationException or IOException)
        {
            Log.Failed(logger, exception, service.Name, exception.Message);
        }
    }

    /// <summary>
    /// The service's instance heard from since the resource started (by heartbeat, not first registration: a restarted
    /// resource may keep its instance id), once it shows on the platform; null when none does in time.
    /// </summary>
    private static async Task<ServiceInstance?> WaitForInstanceAsync(PlatformClient client, string name, DateTimeOffset started, CancellationToken stopping)
    {
        // The platform's clock and the app host's are the same machine's; a second's slack covers the rounding of the start time.
        var since = started - TimeSpan.FromSeconds(1);
        var deadline = DateTimeOffset.UtcNow + s_patience;
        while (true)
        {
            try
            {
                if (await client.GetServiceAsync(name, stopping).ConfigureAwait(false) is { } described
                    && described.Instances.Where(i => i.LastHeartbeatAt >= since).MaxBy(i => i.LastHeartbeatAt) is { } instance)
                {
                    return instance;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or PlatformApiException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError })
            {
                // The platform may be restarting; the service registers again once it is back.
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(false);
        }
    }

    /// <summary>The commit the working tree of <paramref name="directory"/> is at; null without git or outside a repository.</summary>
    internal static async Task<string?> HeadAsync(string directory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-C", directory, "rev-parse", "--verify", "HEAD" })
        {
            start.ArgumentList.Add(argument);
        }

        Process? git;
        try
        {
            git = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        if (git is null)
        {
            return null;
        }

        using (git)
        {
            var output = git.StandardOutput.ReadToEndAsync(cancellationToken);
            _ = git.StandardError.ReadToEndAsync(cancellationToken);
            await git.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            var sha = (await output.ConfigureAwait(false)).Trim();
            return git.ExitCode == 0 && sha.Length is >= 40 and <= 64 && sha.All(char.IsAsciiHexDigit) ? sha : null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Reported this start of '{Service}' to the platform as deployment '{DeploymentId}': environment '{Environment}', version '{Version}', commit {Commit}.")]
        public static partial void Reported(ILogger logger, string service, string deploymentId, string environment, string version, string commit);

        [LoggerMessage(2, LogLevel.Information, "Not reporting this start of '{Service}' as a deployment: no git commit found for {Directory} (git is not installed, or the project is not in a git repository).")]
        public static partial void NoCommit(ILogger logger, string service, string directory);

        [LoggerMessage(3, LogLevel.Warning, "Not reporting this start of '{Service}' as a deployment: its instance did not show on the platform within {Seconds} s of turning ready; see its log for the platform registration.")]
        public static partial void NoInstance(ILogger logger, string service, int seconds);

        [LoggerMessage(4, LogLevel.Warning, "Could not report this start of '{Service}' to the platform as a deployment: {Reason}")]
        public static partial void Failed(ILogger logger, Exception exception, string service, string reason);
    }
}
