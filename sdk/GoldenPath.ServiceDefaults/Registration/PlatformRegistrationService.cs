using System.Net;
using GoldenPath.Catalog.Client;
using GoldenPath.Catalog.Contracts;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoldenPath.ServiceDefaults.Registration;

/// <summary>
/// Registers the instance with the platform in the background and keeps it registered: heartbeats every
/// <see cref="PlatformRegistrationOptions.HeartbeatInterval"/>, retries failures with jittered exponential
/// backoff, and deregisters on graceful shutdown. Each registration carries the service's identity, from which the
/// platform creates the catalog entry when it does not have it (first start, or a catalog that was reset); it never
/// rewrites an existing entry, whose tags, links and APIs are the team's. So the instance needs only a token of its
/// own team with scope <c>instances:write</c>. It never blocks or fails start-up or readiness, and logs only when its
/// state changes. Its first call goes out once the instance has answered its first readiness probe (or
/// <see cref="PlatformRegistrationOptions.MaxFirstRegistrationDelay"/> after the server started), off the start path; its
/// HTTP client is built then, rather than with the host's services before the server serves.
/// </summary>
internal sealed class PlatformRegistrationService(
    IServiceProvider services,
    FirstReadyAnswer firstReadyAnswer,
    ServiceInfo service,
    IOptions<GoldenPathOptions> options,
    RegistrationStatus status,
    IHostApplicationLifetime lifetime,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<PlatformRegistrationService> logger) : BackgroundService
{
    private PlatformRegistrationOptions Settings => options.Value.Platform;

    /// <summary>Whether the platform has, or may have, this instance, so that stopping deregisters it.</summary>
    private bool _instanceRegistered;
    private int _failures;
    private PlatformClient? _client;

    /// <summary>The platform's client, built on first use: nothing of it is needed before the server has started.</summary>
    private PlatformClient Client => _client ??= services.GetRequiredService<PlatformClient>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var url = Settings.Url!;
        RegistrationLog.Starting(logger, url, service.InstanceId, service.Name, Settings.HeartbeatInterval);
        status.Set(RegistrationState.Registering);

        // The listening addresses are known once the server has started.
        await WaitForStartAsync(stoppingToken).ConfigureAwait(false);
        await WaitForFirstReadyAnswerAsync(stoppingToken).ConfigureAwait(false);

        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = await BeatAsync(url, stoppingToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One registration or heartbeat; returns how long to wait before the next.</summary>
    internal async Task<TimeSpan> BeatAsync(Uri url, CancellationToken stoppingToken)
    {
        try
        {
            var registration = await BuildRegistrationAsync(stoppingToken).ConfigureAwait(false);
            try
            {
                await Client.SendInstanceAsync(service.Name, service.InstanceId, registration, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopped while the registration was on its way: the platform may have taken it, and an instance
                // left behind would be listed until its heartbeat expired. Deregistering one it never took is harmless.
                _instanceRegistered = true;
                throw;
            }

            _instanceRegistered = true;
            _failures = 0;
            status.RecordAttempt("success");
            if (status.Set(RegistrationState.Registered, success: time.GetUtcNow()))
            {
                RegistrationLog.Registered(logger, service.InstanceId, service.Name);
            }

            return Settings.HeartbeatInterval;
        }
        catch (PlatformApiException exception) when ((int)exception.StatusCode is >= 400 and < 500 and not 408 and not 429)
        {
            status.RecordAttempt("rejected");
            var reason = exception.Problem?.Detail ?? exception.Problem?.Title ?? exception.StatusCode.ToString();
            if (status.Set(RegistrationState.Rejected, reason))
            {
                RegistrationLog.Rejected(logger, service.Name, (int)exception.StatusCode, reason);
            }

            _failures++;
            return NextRetryDelay();
        }
        catch (Exception exception) when (exception is HttpRequestException or PlatformApiException or TaskCanceledException or TimeoutException or System.Text.Json.JsonException
            && !stoppingToken.IsCancellationRequested)
        {
            status.RecordAttempt("unreachable");
            var reason = exception is TaskCanceledException ? $"no answer within {Settings.RequestTimeout}" : exception.Message;
            if (status.Set(RegistrationState.Unreachable, reason))
            {
                RegistrationLog.Unreachable(logger, url, reason);
            }

            _failures++;
            return NextRetryDelay();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (!_instanceRegistered)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Settings.RequestTimeout);
        try
        {
            await Client.DeleteInstanceAsync(service.Name, service.InstanceId, timeout.Token).ConfigureAwait(false);
            status.Set(RegistrationState.Deregistered);
            RegistrationLog.Deregistered(logger, service.InstanceId, service.Name);
        }
        catch (Exception exception) when (exception is HttpRequestException or PlatformApiException or OperationCanceledException)
        {
            RegistrationLog.DeregistrationFailed(logger, service.InstanceId, exception.Message);
        }
    }

    /// <summary>Full-jitter exponential backoff: a random delay between half and all of min(max, initial × 2^failures).</summary>
    internal TimeSpan NextRetryDelay()
    {
        var max = Settings.MaxRetryDelay ?? Settings.HeartbeatInterval;
        var exponent = Math.Min(_failures - 1, 30);
        var ceiling = Math.Min(max.TotalMilliseconds, Settings.InitialRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Max(exponent, 0)));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }

    private async Task WaitForStartAsync(CancellationToken stoppingToken)
    {
        if (lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping before start: the loop will not run.
        }
    }

    /// <summary>
    /// Waits, at most <see cref="PlatformRegistrationOptions.MaxFirstRegistrationDelay"/> (on the system clock: it is about
    /// the real start path), until the instance has sent its first answer to a readiness or start-up probe: the first
    /// registration's call (its HTTP connection, JSON and code) then does not compete with that answer for the CPU, and
    /// it carries the report that answer was made of. Without the golden path's health endpoints nothing is waited for.
    /// </summary>
    private async Task WaitForFirstReadyAnswerAsync(CancellationToken stoppingToken)
    {
        var most = Settings.MaxFirstRegistrationDelay;
        if (!firstReadyAnswer.Expected || most <= TimeSpan.Zero || firstReadyAnswer.Answered.IsCompleted)
        {
            return;
        }

        status.AwaitingFirstReadyAnswer = most;
        try
        {
            await firstReadyAnswer.Answered.WaitAsync(most, TimeProvider.System, stoppingToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // No probe within the delay (run without an orchestrator, or a probe that comes later): register now.
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop will not run.
        }
        finally
        {
            status.AwaitingFirstReadyAnswer = null;
        }
    }

    private async Task<InstanceRegistration> BuildRegistrationAsync(CancellationToken cancellationToken)
    {
        var endpoints = ListeningEndpoints();
        var baseUrl = endpoints.FirstOrDefault(e => e.StartsWith("http://", StringComparison.Ordinal)) ?? endpoints.FirstOrDefault();
        var health = options.Value.Health;
        var healthUrls = baseUrl is null || health.Disable
            ? new InstanceHealthUrls(null, null, null)
            : new InstanceHealthUrls(Combine(baseUrl, health.LivePath), Combine(baseUrl, health.ReadyPath), Combine(baseUrl, health.StartupPath));

        return new InstanceRegistration(
            Version: service.Version,
            Environment: service.Environment,
            SdkVersion: service.SdkVersion,
            Endpoints: endpoints,
            Health: healthUrls,
            Dependencies: DependencyInference.Infer(configuration),
            Commit: service.Commit,
            Status: await ReadinessAsync(cancellationToken).ConfigureAwait(false),
            StartedAt: StartedAt,
            TelemetryConfigured: OtlpSettings.IsConfigured(configuration),
            Service: new RegisteringService(service.Owner, service.Lifecycle, service.System, service.Description, service.SourceLocation, service.TechDocsRef),
            Template: service.Template,
            TemplateVersion: service.TemplateVersion);
    }

    private DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    private async Task<string?> ReadinessAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<Health.HealthReportCache>() is not { } cache)
        {
            return null;
        }

        var report = await cache.GetAsync("ready", r => r.Tags.Contains(GoldenPathHealthTags.Ready) || r.Name == Health.ShutdownHealthCheck.Name, bypassCache: false, cancellationToken).ConfigureAwait(false);
        return report.Status.ToString();
    }

    private List<string> ListeningEndpoints()
    {
        if (Settings.AdvertisedUrl is { } advertised)
        {
            return [advertised.ToString().TrimEnd('/')];
        }

        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var host = Dns.GetHostName();
        return addresses
            .Select(a => a.Replace("://[::]", $"://{host}", StringComparison.Ordinal)
                .Replace("://0.0.0.0", $"://{host}", StringComparison.Ordinal)
                .Replace("://+", $"://{host}", StringComparison.Ordinal)
                .Replace("://*", $"://{host}", StringComparison.Ordinal)
                .TrimEnd('/'))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static string Combine(string baseUrl, string path) => baseUrl.TrimEnd('/') + "/" + path.TrimStart('/');
}
