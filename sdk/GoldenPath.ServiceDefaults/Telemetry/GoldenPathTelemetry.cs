using Microsoft.AspNetCore.Http;

namespace GoldenPath.ServiceDefaults;

/// <summary>Names GoldenPath uses in telemetry.</summary>
public static class GoldenPathTelemetry
{
    /// <summary>The share of traces recorded outside Development when <c>GoldenPath:Telemetry:TraceSampleRatio</c> is not set.</summary>
    public const double DefaultTraceSampleRatio = 0.1;

    /// <summary>The meter of GoldenPath.ServiceDefaults itself (registration state and attempts).</summary>
    public const string MeterName = "GoldenPath.ServiceDefaults";

    /// <summary>The <c>ActivitySource</c> and <c>Meter</c> name Npgsql uses; collected by default.</summary>
    public const string NpgsqlSourceName = "Npgsql";

    /// <summary>The <see cref="HttpRequestMessage.Options"/> key that keeps a client request out of traces (the registration heartbeats use it).</summary>
    public static readonly HttpRequestOptionsKey<bool> SuppressTracing = new("GoldenPath.SuppressTracing");

    internal static bool IsUntracedPath(PathString path, GoldenPathOptions options) =>
        path.StartsWithSegments(options.Health.AllPath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(options.Health.LivePath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(options.Health.ReadyPath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(options.Health.StartupPath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(ServiceInfoEndpoint.Path, StringComparison.OrdinalIgnoreCase);
}
