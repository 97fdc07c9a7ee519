using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GoldenPath.ServiceDefaults.Tests;

/// <summary>A real OTLP receiver on a loopback port: it keeps every export post for the tests to search.</summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>
    /// The posts received, each body as Latin-1 text: protobuf keeps strings as plain UTF-8 bytes, so they can be searched.
    /// </summary>
    private readonly ConcurrentQueue<(string Path, string ContentType, string Body)> _posts = [];

    public IEnumerable<string> Paths => _posts.Select(p => p.Path);

    public IEnumerable<string> ContentTypes => _posts.Select(p => p.ContentType);

    public IEnumerable<string> Bodies => _posts.Select(p => p.Body);

    /// <summary>The bodies posted to <paramref name="path"/>, in the order they arrived.</summary>
    public IReadOnlyList<string> BodiesOf(string path) => [.. _posts.Where(p => p.Path == path).Select(p => p.Body)];

    /// <summary>Whether a post to <paramref name="path"/> carried <paramref name="text"/>.</summary>
    public bool Received(string path, string text) => _posts.Any(p => p.Path == path && p.Body.Contains(text, StringComparison.Ordinal));

    /// <summary>The paths posted to, with how often.</summary>
    public override string ToString() => _posts.IsEmpty ? "nothing" : string.Join(", ", Paths.GroupBy(p => p).Select(g => $"{g.Key} x{g.Count()}"));

    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>Starts an OTLP/HTTP receiver, or with <paramref name="grpc"/> an OTLP/gRPC one (HTTP/2 without TLS, as a collector's port 4317).</summary>
    public static async Task<OtlpReceiver> StartAsync(string url = "http://127.0.0.1:0", bool grpc = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (grpc)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
        }
        else
        {
            builder.WebHost.UseUrls(url);
        }

        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        async Task RecordAsync(HttpContext context)
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            receiver._posts.Enqueue((context.Request.Path, context.Request.ContentType ?? "", System.Text.Encoding.Latin1.GetString(body.ToArray())));
        }

        app.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            await RecordAsync(context);
            return Results.Ok();
        });

        // gRPC: /opentelemetry.proto.collector.{trace|metrics|logs}.v1.{Service}/Export; the answer is an empty
        // Export*ServiceResponse in gRPC's framing (no compression, length 0) and the OK status in the trailers.
        app.MapPost("/{service}/Export", async (HttpContext context) =>
        {
            await RecordAsync(context);
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(new byte[5], context.RequestAborted);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
