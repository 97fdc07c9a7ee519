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
        if (System.Environment.GetEnvironmentVariable(StartupProbe.Variable) is { Length: > 0 } probe)
        {
            // Load-independent counts of what start-up did (section 2), in every mode alike.
            builder.Services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new StartupProbe(probe));
        }

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

/// <summary>
/// Section 2's probe (<c>GOLDENPATH_BENCH_PROBE</c>=a file): at the first 200 from <c>/health/ready</c>, and again 0.5 s
/// later (when the bench reads the working set), writes to the file the bytes this process has allocated, the methods
/// it has JIT-compiled, the assemblies it has loaded and the CPU time it has used: counts of start-up's work that the
/// machine's load does not change (CPU time a little: a loaded machine's caches are colder).
/// A startup filter, so it sees the first ready answer ahead of every middleware and short-circuited endpoint.
/// </summary>
internal sealed class StartupProbe(string file) : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public const string Variable = "GOLDENPATH_BENCH_PROBE";
    private int _seen;

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, call) =>
        {
            await call(context);
            if (context.Response.StatusCode == 200 && context.Request.Path == "/health/ready" && Interlocked.Exchange(ref _seen, 1) == 0)
            {
                var ready = Counts();
                _ = Task.Run(async () =>
                {
                    await Task.Delay(500);
                    File.WriteAllText(file, $"{ready} {Counts()}\n");
                });
            }
        });
        next(app);
    };

    /// <summary>allocated bytes, methods JIT-compiled, assemblies loaded, CPU time used (ms, user and system: all threads).</summary>
    private static string Counts() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{GC.GetTotalAllocatedBytes(precise: true)} {System.Runtime.JitInfo.GetCompiledMethodCount()} {AppDomain.CurrentDomain.GetAssemblies().Length} {System.Environment.CpuUsage.TotalTime.TotalMilliseconds:0}");
}

/// <summary>The payload of the measured endpoint.</summary>
public sealed record Item(int Id, string Name, DateTimeOffset CreatedAt);

/// <summary>The endpoint's JSON, generated at build time.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(Item))]
internal sealed partial class BenchJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
