using Microsoft.Extensions.Configuration;

namespace GoldenPath.ServiceDefaults;

/// <summary>Whether OTLP export is configured, by the variables the OpenTelemetry specification names.</summary>
internal static class OtlpSettings
{
    private static readonly string[] s_endpointKeys =
    [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    ];

    public static bool IsConfigured(IConfiguration configuration) => AnySet(configuration, s_endpointKeys);

    /// <summary>Whether any of <paramref name="keys"/> has a value.</summary>
    public static bool AnySet(IConfiguration configuration, IEnumerable<string> keys) =>
        keys.Any(key => !string.IsNullOrWhiteSpace(configuration[key]));
}
