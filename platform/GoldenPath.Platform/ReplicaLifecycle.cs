using System.Runtime.InteropServices;
using System.Text.Json;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;
using GoldenPath.Platform.Domain;
using GoldenPath.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform;

/// <summary>
/// How a replica joins and leaves a fleet behind a load balancer (a Kubernetes Service, HAProxy): it reports ready only
/// once its first requests will be as fast as the rest (<see cref="PlatformWarmUp"/>), and on SIGTERM it keeps serving
/// while it reports not ready, until the balancer stopped sending it requests (<see cref="ShutdownDrain"/>).
/// </summary>
internal static class ReplicaLifecycle
{
    /// <summary>Notes each request for <see cref="ShutdownDrain"/> (health probes are answered before this runs).</summary>
    public static WebApplication UseShutdownDrain(this WebApplication app)
    {
        var drain = app.Services.GetRequiredService<ShutdownDrain>();
        app.Use((context, next) =>
        {
            drain.Arrived(context);
            return next(context);
        });
        return app;
    }

    public static IServiceCollection AddReplicaLifecycle(this IServiceCollection services)
    {
        services.AddSingleton<PlatformWarmUp>();
        services.AddHostedService(s => s.GetRequiredService<PlatformWarmUp>());
        // The SIGTERM handler is registered now, while the services are described: before the host's own (ConsoleLifetime
        // registers at start), so it runs first and the signal is known before the host's handler starts the stop.
        var sigterm = new SigtermSignal();
        services.AddSingleton(_ => sigterm);
        services.AddSingleton<ShutdownDrain>();
        services.AddHostedService(s => s.GetRequiredService<ShutdownDrain>());
        // Serving on (at most twice the delay) must leave the drain time inside the host's shutdown timeout (30 s by default).
        services.AddOptions<HostOptions>().Configure<IOptions<PlatformOptions>>((host, platform) =>
            host.ShutdownTimeout = TimeSpan.FromTicks(Math.Max(host.ShutdownTimeout.Ticks, (platform.Value.ShutdownDelay * 2 + TimeSpan.FromSeconds(25)).Ticks)));
        services.AddHealthChecks().AddCheck<WarmUpHealthCheck>("warm-up", tags: [GoldenPathHealthTags.Ready]);
        return services;
    }
}

/// <summary>
/// Runs, once at start, what the first heartbeats and catalog reads would otherwise pay for themselves: the endpoints'
/// request delegates, EF Core's model and compiled queries, the heartbeat statement, the JSON serialisers, and a pool
/// of open connections (each with its statements prepared). A restarted replica that reported ready before this took
/// its first requests at many times the usual latency (code compiled as they came), long enough for clients to time
/// out: readiness waits for it (<see cref="WarmUpHealthCheck"/>). A store that fails meanwhile ends the warm-up (the
/// store's own readiness check then answers for it).
/// </summary>
internal sealed partial class PlatformWarmUp(
    IServiceScopeFactory scopes,
    EndpointDataSource endpoints,
    HeartbeatWriter heartbeats,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    IOptions<PlatformOptions> options,
    TimeProvider time,
    ILogger<PlatformWarmUp> logger) : BackgroundService
{
    /// <summary>A service name no service can have (names are lowercase letters, digits and '-'): what the warm-up reads and writes matches nothing.</summary>
    private const string NoService = "__warm-up__";

    /// <summary>How many connections are opened and prepared ahead: as many as a burst of requests takes at once, within the pool.</summary>
    private const int Connections = 8;

    private volatile bool _done;

    /// <summary>Whether the warm-up finished (or gave up): the replica may report ready.</summary>
    public bool Done => _done;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // Building every endpoint's request delegate happens on the first request otherwise (all of them at once).
            _ = endpoints.Endpoints.Count;

            // JSON of the hottest bodies, through the options the endpoints use.
            var serializer = json.Value.SerializerOptions;
            var registration = new InstanceRegistration("1.0.0", "production", "0.1.0", [], new InstanceHealthUrls(null, null, null), []);
            var body = JsonSerializer.Serialize(registration, serializer);
            _ = JsonSerializer.Deserialize<InstanceRegistration>(body, serializer);

            // Each connection of the warm pool runs the reads and the heartbeat statement once, so PostgreSQL has them
            // prepared on it (Max Auto Prepare) and EF Core has compiled their queries.
            await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => WarmConnectionAsync(registration, serializer, stoppingToken)));
            Log.WarmedUp(logger, (long)clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            Log.WarmUpFailed(logger, (long)clock.Elapsed.TotalMilliseconds, exception);
        }
        finally
        {
            _done = true;
        }
    }

    private async Task WarmConnectionAsync(InstanceRegistration registration, JsonSerializerOptions serializer, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var catalog = scope.ServiceProvider.GetRequiredService<CatalogService>();
            _ = JsonSerializer.Serialize(await catalog.GetServiceAsync(NoService, ct), serializer);
            _ = JsonSerializer.Serialize(await catalog.ListServicesAsync(null, null, 1, null, ct), serializer);
            // What every request's authentication and every heartbeat's owner check query (a miss is not cached).
            var lookups = scope.ServiceProvider.GetRequiredService<LookupCache>();
            _ = await lookups.FindTokenAsync(db, NoService, ct);
            _ = await lookups.FindOwnerAsync(db, NoService, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        // The heartbeat's statement, for an instance that does not exist: it updates no row.
        var now = time.GetUtcNow();
        _ = await heartbeats.RefreshAsync(NoService, "warm-up", registration, now, now + options.Value.InstanceTtl, ct);
    }

    private static partial class Log
    {
        [LoggerMessage(2101, LogLevel.Information, "Warmed up in {ElapsedMs} ms: ready for requests.")]
        public static partial void WarmedUp(ILogger logger, long elapsedMs);

        [LoggerMessage(2102, LogLevel.Warning, "The warm-up failed after {ElapsedMs} ms; the replica reports ready when its store does.")]
        public static partial void WarmUpFailed(ILogger logger, long elapsedMs, Exception exception);
    }
}

/// <summary>Not ready until the warm-up finished.</summary>
internal sealed class WarmUpHealthCheck(PlatformWarmUp warmUp) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(warmUp.Done
            ? HealthCheckResult.Healthy("Warmed up.")
            : HealthCheckResult.Unhealthy("Warming up: compiling the hot paths and opening connections before taking requests."));
}

/// <summary>
/// On SIGTERM, keeps serving before the server stops taking connections: readiness answers 503 from the signal on (the
/// host's stopping token), so the load balancer's next health checks, or Kubernetes' endpoint update, take the replica
/// out while it still answers everything sent to it meanwhile. It serves on for <see cref="PlatformOptions.ShutdownDelay"/>
/// at least, and then for as long as requests still arrive (a balancer slower than the delay to take it out), until none
/// came for <see cref="Quiet"/>, at most <see cref="PlatformOptions.ShutdownDelay"/> more. Meanwhile each answer closes its
/// connection, so clients and balancers that keep connections open make new ones, which go to the other replicas. Then
/// Kestrel stops listening and finishes the requests it took, and the heartbeat writer writes what it queued.
/// </summary>
internal sealed partial class ShutdownDrain(SigtermSignal sigterm, Microsoft.AspNetCore.Hosting.Server.IServer server, IOptions<PlatformOptions> options, ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    /// <summary>How long no request may have arrived before a draining replica stops listening.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    private long _lastRequest = Environment.TickCount64;
    private volatile bool _draining;

    /// <summary>Notes a request that arrived (health probes excepted); while draining, asks its client to close the connection.</summary>
    public void Arrived(HttpContext context)
    {
        Volatile.Write(ref _lastRequest, Environment.TickCount64);
        if (_draining && HttpProtocol.IsHttp11(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "close";
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var delay = options.Value.ShutdownDelay;
        // The host's own SIGTERM handler can start the stop before this one has noted the signal (the runtime calls a
        // signal's handlers one after the other): a process that listens for real waits a moment for it. An in-process
        // test server never receives one.
        if (delay <= TimeSpan.Zero || server.GetType().Name == "TestServer" || !await sigterm.ReceivedWithinAsync(TimeSpan.FromSeconds(1), cancellationToken))
        {
            return;
        }

        _draining = true;
        Log.Draining(logger, delay.TotalSeconds);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await Task.Delay(delay, cancellationToken);
            var limit = delay * 2;
            while (clock.Elapsed < limit)
            {
                var sinceLast = TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastRequest));
                if (sinceLast >= Quiet)
                {
                    break;
                }

                await Task.Delay(Quiet - sinceLast, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout: stop now.
        }

        Log.Drained(logger, (long)clock.Elapsed.TotalMilliseconds, (long)TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastRequest)).TotalMilliseconds);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(2103, LogLevel.Information, "SIGTERM: not ready, serving on for {DelaySeconds} s at least, and while requests still arrive, until load balancers stop sending requests, then draining.")]
        public static partial void Draining(ILogger logger, double delaySeconds);

        [LoggerMessage(2105, LogLevel.Information, "Served on for {ElapsedMs} ms after SIGTERM, the last request {SinceLastMs} ms ago: no longer listening, finishing the requests taken.")]
        public static partial void Drained(ILogger logger, long elapsedMs, long sinceLastMs);
    }
}

/// <summary>
/// Notes a SIGTERM (Kubernetes stopping the pod) apart from other stops (Ctrl+C, an in-process test host disposed), which
/// need no delay. The host's own handler still turns the signal into a stop.
/// </summary>
internal sealed class SigtermSignal : IDisposable
{
    private readonly PosixSignalRegistration? _registration;
    private readonly TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SigtermSignal()
    {
        try
        {
            _registration = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => _received.TrySetResult());
        }
        catch (PlatformNotSupportedException)
        {
            // No SIGTERM here: every stop is at once.
        }
    }

    public bool Received => _received.Task.IsCompleted;

    /// <summary>Whether SIGTERM has come, or comes within <paramref name="wait"/>.</summary>
    public async Task<bool> ReceivedWithinAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            await _received.Task.WaitAsync(wait, cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _registration?.Dispose();
}
