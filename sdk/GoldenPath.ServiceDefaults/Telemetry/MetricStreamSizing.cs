using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace GoldenPath.ServiceDefaults.Telemetry;

/// <summary>
/// Sizes the metric streams of the instruments whose tag sets are few and known, instead of for OpenTelemetry's
/// default of 2,000 tag sets each.
/// </summary>
/// <remarks>
/// <para>
/// OpenTelemetry allocates a stream's storage when its instrument is published, whether or not it is ever recorded:
/// an array of (cardinality limit + 2) metric points and one of as many indexes (<c>AggregatorStore</c>'s constructor,
/// opentelemetry-dotnet src/OpenTelemetry/Metrics/AggregatorStore.cs; the limit comes from the stream's view, else
/// the provider's default, <c>MetricReaderExt.AddMetricWithViews</c>). With the default limit that is ~160 KB per
/// instrument: sizing the ones below saves ~5.4 MiB allocated before a service's first ready answer (bench/README.md).
/// </para>
/// <para>
/// A view that returns a bare <see cref="MetricStreamConfiguration"/> with only a <see cref="MetricStreamConfiguration.CardinalityLimit"/>
/// keeps the stream's name, unit, description and aggregation (<c>MetricStreamIdentity</c> takes them from the
/// instrument when the configuration does not set them), and a histogram's advised buckets (taken from the instrument's
/// advice unless the configuration is an <see cref="ExplicitBucketHistogramConfiguration"/> with boundaries); the
/// tests check this against OpenTelemetry 1.20.1 with a real OTLP receiver (MetricStreamSizingTests). Histograms are
/// left alone all the same: any configuration
/// takes the place of the reader's default histogram aggregation (<c>OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION</c>,
/// <c>MetricReaderExt.AddMetricWithViews</c>), and the histograms collected by default carry open tag sets anyway
/// (routes, status codes, connection end reasons, exception types).
/// </para>
/// <para>
/// A measurement with a tag set past the limit is not lost: OpenTelemetry adds it to the stream's overflow point
/// (attribute <c>otel.metric.overflow=true</c>), so totals stay whole. The limits below leave several times the
/// documented tag sets. Instruments with open tag sets keep the default: the request instruments
/// (<c>http.server.request.duration</c>, <c>http.client.*</c>, routing, diagnostics, rate limiting, authentication), DNS lookups by
/// host, <c>dotnet.exceptions</c> (by exception type), Npgsql (by data source) and the service's own meters.
/// </para>
/// </remarks>
internal static class MetricStreamSizing
{
    /// <summary>
    /// For instruments whose tags take a handful of fixed values. .NET's runtime meter (<c>System.Runtime</c>,
    /// https://learn.microsoft.com/dotnet/core/diagnostics/built-in-metrics-runtime): no tags, or
    /// <c>gc.heap.generation</c> (gen0, gen1, gen2, loh, poh) or <c>cpu.mode</c> (user, system). ASP.NET Core's memory
    /// pool (<c>Microsoft.AspNetCore.MemoryPool</c>, ASP.NET Core 10): <c>aspnetcore.memory_pool.owner</c> (kestrel,
    /// iis, http.sys...). GoldenPath's own meter: <c>state</c> (one of <see cref="RegistrationState"/>'s
    /// values) and <c>outcome</c> (success, rejected, unreachable).
    /// </summary>
    public const int FixedValues = 16;

    /// <summary>
    /// For Kestrel's connection counters (<c>Microsoft.AspNetCore.Server.Kestrel</c>,
    /// https://learn.microsoft.com/aspnet/core/log-mon/metrics/built-in#microsoftaspnetcoreserverkestrel):
    /// <c>kestrel.active_connections</c>, <c>queued_connections</c>, <c>rejected_connections</c>,
    /// <c>upgraded_connections</c>, <c>queued_requests</c>, <c>active_tls_handshakes</c>, tagged with the connection's
    /// local end point (<c>network.transport</c>, <c>network.type</c>, <c>server.address</c>, <c>server.port</c>) and,
    /// for queued requests, the HTTP version: bounded by the addresses the service listens on. Its histograms
    /// (<c>kestrel.connection.duration</c>, <c>kestrel.tls_handshake.duration</c>, which add <c>error.type</c>) keep the default.
    /// </summary>
    public const int ListeningEndpoints = 100;

    /// <summary>
    /// For ASP.NET Core's <c>http.server.active_requests</c> (<c>Microsoft.AspNetCore.Hosting</c>,
    /// https://learn.microsoft.com/aspnet/core/log-mon/metrics/built-in#microsoftaspnetcorehosting): tagged with
    /// <c>http.request.method</c>, which ASP.NET Core reduces to the known methods and <c>_OTHER</c> (eleven values),
    /// and <c>url.scheme</c> (http, https). The request histogram, <c>http.server.request.duration</c>, adds the route
    /// and the status code: it keeps the default.
    /// </summary>
    public const int MethodsAndSchemes = 50;

    /// <summary>The view <c>AddGoldenPath</c> adds: a limit for the instruments whose tag sets are bounded, otherwise none.</summary>
    public static MetricStreamConfiguration? View(Instrument instrument) =>
        Limit(instrument) is { } limit ? new MetricStreamConfiguration { CardinalityLimit = limit } : null;

    /// <summary>The cardinality limit for <paramref name="instrument"/>, or null for OpenTelemetry's default.</summary>
    public static int? Limit(Instrument instrument)
    {
        var type = instrument.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Histogram<>))
        {
            return null;
        }

        return instrument.Meter.Name switch
        {
            "System.Runtime" when instrument.Name != "dotnet.exceptions" => FixedValues,
            "Microsoft.AspNetCore.MemoryPool" => FixedValues,
            GoldenPathTelemetry.MeterName => FixedValues,
            "Microsoft.AspNetCore.Server.Kestrel" => ListeningEndpoints,
            "Microsoft.AspNetCore.Hosting" when instrument.Name == "http.server.active_requests" => MethodsAndSchemes,
            _ => null,
        };
    }
}
