using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace GoldenPath.Platform.Tests.Replicas;

/// <summary>
/// A load balancer in front of the replicas, as a Kubernetes Service with its endpoints is: YARP on a loopback port,
/// sending each request to one of the replicas its health check finds ready (<c>GET /health/ready</c> every 500 ms; two
/// failures in a row take a replica out, one success puts it back) and to none other: with none ready it answers 503
/// (a Service without ready endpoints refuses connections). A replica's <c>ShutdownDelay</c> (5 s) outlasts the two
/// probes that take it out. Replicas keep their port across restarts, as a pod's
/// address stays in the Service's endpoints only while the pod is ready. It neither retries nor buffers: what a
/// replica answers (or a failed connection, as 502) goes to the client.
/// </summary>
internal sealed class LoadBalancer : IAsyncDisposable
{
    private const string Cluster = "platform";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _events;

    private LoadBalancer(WebApplication app, Uri address, ConcurrentQueue<string> events)
    {
        _app = app;
        Address = address;
        _events = events;
    }

    public Uri Address { get; }

    /// <summary>
    /// What the balancer saw, in order: every request it could not forward (when, to which replica, why) and what its
    /// health checks logged (probes failed, replicas taken out and put back), for a failing test's message.
    /// </summary>
    public void Note(string what) => _events.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {what}");

    public string Timeline(int last = 80) => string.Join('\n', _events.TakeLast(last));

    public static async Task<LoadBalancer> StartAsync(IReadOnlyList<int> replicaPorts)
    {
        var port = LoopbackPort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var events = new ConcurrentQueue<string>();
        builder.Logging.AddProvider(new TimelineLoggerProvider(events));
        builder.Logging.AddFilter<TimelineLoggerProvider>("Yarp.ReverseProxy.Health", LogLevel.Information);
        var destinations = replicaPorts.Select((p, i) => (Id: Destination(i), Port: p))
            .ToDictionary(d => d.Id, d => new DestinationConfig { Address = $"http://127.0.0.1:{d.Port}/" });
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = Cluster, Match = new RouteMatch { Path = "/{**rest}" } }],
            [new ClusterConfig
            {
                ClusterId = Cluster,
                LoadBalancingPolicy = "RoundRobin",
                Destinations = destinations,
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true,
                        Interval = TimeSpan.FromMilliseconds(500),
                        Timeout = TimeSpan.FromSeconds(5),
                        Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                        Path = "/health/ready",
                    },
                    // Not YARP's default (HealthyOrPanic), which sends to every replica, ready or not, once none is healthy.
                    AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyAndUnknown,
                },
                Metadata = new Dictionary<string, string> { ["ConsecutiveFailuresHealthPolicy.Threshold"] = "2" },
                HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(30) },
            }]);
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            await next(context);
            if (context.Features.Get<IForwarderErrorFeature>() is { } error)
            {
                var destination = context.Features.Get<IReverseProxyFeature>()?.ProxiedDestination?.DestinationId ?? "none";
                events.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {context.Request.Method} {context.Request.Path} to {destination}: {context.Response.StatusCode} {error.Error} {error.Exception?.GetBaseException().Message}");
            }
        });
        app.MapReverseProxy();
        await app.StartAsync(Replica.Ct);
        return new LoadBalancer(app, new Uri($"http://127.0.0.1:{port}/"), events);
    }

    public static string Destination(int replica) => $"replica-{replica}";

    /// <summary>Whether the balancer's health check currently sends requests to <paramref name="replica"/>.</summary>
    public bool Routes(int replica)
    {
        var state = _app.Services.GetRequiredService<IProxyStateLookup>();
        return state.TryGetCluster(Cluster, out var cluster)
            && cluster.Destinations.TryGetValue(Destination(replica), out var destination)
            && destination.Health.Active == DestinationHealth.Healthy;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}

/// <summary>Keeps the balancer's health-check log lines, with their time, for <see cref="LoadBalancer.Timeline"/>.</summary>
file sealed class TimelineLoggerProvider(ConcurrentQueue<string> events) : ILoggerProvider, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        events.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {formatter(state, exception)} {exception?.GetBaseException().Message}");

    public void Dispose()
    {
    }
}
