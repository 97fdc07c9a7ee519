using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GoldenPath.ServiceDefaults.Tests;

/// <summary>
/// A stand-in for the platform's registration API on a real loopback port: it records every call and keeps
/// the services it knows, so that it can "forget" them as a platform whose database was reset would. Like the
/// platform, it creates a service it does not know from the identity a registration carries, and answers 404 without one.
/// </summary>
internal sealed class FakePlatform : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, bool> _services = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private TaskCompletionSource _instanceAnswers = NewGate(open: true);
    private (int Status, string Detail)? _refusal;

    private FakePlatform(int port) => Port = port;

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public ConcurrentQueue<RecordedCall> Calls { get; } = new();

    /// <summary>A platform that is not running yet, on a port nobody listens on.</summary>
    public static FakePlatform NotStarted()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new FakePlatform(port);
    }

    public static async Task<FakePlatform> StartedAsync()
    {
        var platform = NotStarted();
        await platform.StartAsync();
        return platform;
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(Url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPut("/api/v1/services/{name}", async (string name, HttpContext context) =>
        {
            await RecordAsync(context);
            _services[name] = true;
            return Results.Json(new { name }, statusCode: 200);
        });
        app.MapPut("/api/v1/services/{name}/instances/{id}", async (string name, string id, HttpContext context) =>
        {
            var call = await RecordAsync(context);
            await _instanceAnswers.Task.WaitAsync(context.RequestAborted);
            if (_refusal is { } refusal)
            {
                return Results.Problem(detail: refusal.Detail, statusCode: refusal.Status);
            }
            if (!_services.ContainsKey(name) && call.Json.TryGetProperty("service", out var identity) && identity.ValueKind == JsonValueKind.Object)
            {
                _services[name] = true;
            }

            return _services.ContainsKey(name)
                ? Results.Json(new { instanceId = id }, statusCode: 200)
                : Results.Problem(detail: $"Service '{name}' is not in the catalog.", statusCode: 404);
        });
        app.MapDelete("/api/v1/services/{name}/instances/{id}", async (HttpContext context) =>
        {
            await RecordAsync(context);
            return Results.NoContent();
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        _app = app;
    }

    public async Task StopAsync()
    {
        _instanceAnswers.TrySetResult();
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>Records instance registrations but answers none until <see cref="StopAsync"/>: a registration on its way.</summary>
    public void HoldInstanceAnswers() => _instanceAnswers = NewGate(open: false);

    /// <summary>Refuses every instance registration from now on with this status and problem detail, as the platform refuses a wrong token.</summary>
    public void RefuseInstances(int status, string detail) => _refusal = (status, detail);

    /// <summary>Forgets every service, as a platform whose catalog was reset.</summary>
    public void Forget() => _services.Clear();

    public int Count(string method, string pathEnd) => Calls.Count(c => c.Method == method && c.Path.EndsWith(pathEnd, StringComparison.Ordinal));

    public async ValueTask DisposeAsync() => await StopAsync();

    private static TaskCompletionSource NewGate(bool open)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (open)
        {
            gate.SetResult();
        }

        return gate;
    }

    private async Task<RecordedCall> RecordAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var call = new RecordedCall(context.Request.Method, context.Request.Path, context.Request.Headers.Authorization.ToString(), body, context.Response.StatusCode);
        Calls.Enqueue(call);
        return call;
    }

    /// <summary>Whether the platform knows the service now.</summary>
    public bool Knows(string name) => _services.ContainsKey(name);
}

internal sealed record RecordedCall(string Method, string Path, string Authorization, string Body, int Status)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}
