using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace GoldenPath.Bench;

/// <summary>The three services compared: the same endpoint, with nothing, with Aspire's ServiceDefaults, with the golden path.</summary>
internal static partial class Services
{
    public static readonly string[] Modes = ["bare", "aspire", "goldenpath"];

    public static async Task RunAsync(string mode, string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        // The endpoint's JSON from generated code, in every mode: so the same services compile with Native AOT (GoldenPath.Bench.Aot).
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, BenchJsonContext.Default));
        // The same logging for all three, as a production appsettings.json would have it.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        switch (mode)
        {
            case "bare":
                break;
            case "aspire":
                AddAspireServiceDefaults(builder);
                break;
            case "goldenpath":
                builder.AddGoldenPath();
                break;
            default:
                throw new ArgumentException($"Unknown mode '{mode}'; use one of {string.Join(", ", Modes)}.");
        }

        var app = builder.Build();
        if (mode == "goldenpath")
        {
            app.MapGoldenPath();
        }
        else if (mode == "aspire")
        {
            // What the comparison needs to find the service ready; Aspire's template maps /health only in Development.
            app.MapHealthChecks("/health/ready");
        }
        else
        {
            app.MapGet("/health/ready", () => Results.Ok());
        }

        // One log line per request, as a service's endpoint writes one: in Production the golden path writes it to
        // standard output as JSON with the request's trace and scopes, the others with the default console formatter.
        var item = new Item(42, "answer", DateTimeOffset.UnixEpoch);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GoldenPath.Bench.Items");
        app.MapGet("/api/items/{id:int}", (int id) =>
        {
            Served(logger, id);
            return id == item.Id ? Results.Ok(item) : Results.NotFound();
        });
        await app.RunAsync();
    }

    [LoggerMessage(LogLevel.Information, "Served item {ItemId}")]
    private static partial void Served(ILogger logger, int itemId);

    /// <summary>
    /// What Aspire 13's <c>aspire-servicedefaults</c> template adds (Extensions.cs): OpenTelemetry logs, metrics
    /// (ASP.NET Core, HttpClient, runtime) and traces (ASP.NET Core without health requests, HttpClient) exported with
    /// OTLP when an endpoint is set, a liveness self-check, service discovery and the standard resilience handler.
    /// </summary>
    private static void AddAspireServiceDefaults(WebApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        var otel = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/alive"))
                .AddHttpClientInstrumentation());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
    }
}

/// <summary>The payload of the measured endpoint.</summary>
public sealed record Item(int Id, string Name, DateTimeOffset CreatedAt);

/// <summary>The endpoint's JSON, generated at build time.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(Item))]
internal sealed partial class BenchJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
