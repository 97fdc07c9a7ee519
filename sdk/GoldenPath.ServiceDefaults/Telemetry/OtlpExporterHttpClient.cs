using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;

namespace GoldenPath.ServiceDefaults.Telemetry;

/// <summary>
/// Gives the OTLP exporter HTTP clients of its own rather than the application's.
/// </summary>
/// <remarks>
/// <para>
/// Over <c>http/protobuf</c> the exporter takes its clients from <see cref="IHttpClientFactory"/> when one is
/// registered (the clients <c>OtlpTraceExporter</c>, <c>OtlpMetricExporter</c> and <c>OtlpLogExporter</c>), so the
/// application's HTTP defaults applied to telemetry too: the standard resilience handler (up to three retries
/// and a circuit breaker, inside the exporter's own timeout) and service discovery. Those are for calls between
/// services; the OTLP specification gives exporters their own retry rules, and a collector's address is an
/// address. Building them for the three clients also cost every service 3 MiB and up to 60 ms of start-up
/// (6, 58 and 26 ms in three interleaved runs of the benchmark's golden-path service, with and without this).
/// </para>
/// <para>
/// The clients are what the exporter would create without a factory (the exporter's timeout), with pooled
/// connections renewed every two minutes as the factory's were, so that a collector's new address is followed.
/// Settings that need the exporter's own client are left to it: client certificates and trust roots
/// (<c>OTEL_EXPORTER_OTLP_CERTIFICATE</c>, <c>_CLIENT_CERTIFICATE</c>, <c>_CLIENT_KEY</c>, also per signal) and
/// per-signal timeouts (<c>OTEL_EXPORTER_OTLP_TRACES_TIMEOUT</c> and the like); with any of them set, the exporter
/// chooses its clients as it would without the golden path.
/// </para>
/// </remarks>
internal static class OtlpExporterHttpClient
{
    private static readonly string[] s_exporterOwnedSettings =
    [
        "OTEL_EXPORTER_OTLP_CERTIFICATE",
        "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
        "OTEL_EXPORTER_OTLP_CLIENT_KEY",
        .. new[] { "TRACES", "METRICS", "LOGS" }.SelectMany(signal => new[]
        {
            $"OTEL_EXPORTER_OTLP_{signal}_TIMEOUT",
            $"OTEL_EXPORTER_OTLP_{signal}_CERTIFICATE",
            $"OTEL_EXPORTER_OTLP_{signal}_CLIENT_CERTIFICATE",
            $"OTEL_EXPORTER_OTLP_{signal}_CLIENT_KEY",
        }),
    ];

    /// <summary>How long a pooled connection to the collector is kept, as <see cref="IHttpClientFactory"/> renews its handlers.</summary>
    private static readonly TimeSpan s_connectionLifetime = TimeSpan.FromMinutes(2);

    public static void Configure(IServiceCollection services, IConfiguration configuration)
    {
        if (OtlpSettings.AnySet(configuration, s_exporterOwnedSettings))
        {
            return;
        }

        // The default options are the ones every signal falls back to; UseOtlpExporter reads them.
        services.Configure<OtlpExporterOptions>(options =>
        {
            var timeout = TimeSpan.FromMilliseconds(options.TimeoutMilliseconds);
            options.HttpClientFactory = () => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = s_connectionLifetime }) { Timeout = timeout };
        });
    }
}
