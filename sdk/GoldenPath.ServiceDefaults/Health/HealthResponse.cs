using System.Text.Json;
using System.Text.Json.Serialization;

namespace GoldenPath.ServiceDefaults.Health;

/// <summary>The JSON body of every health endpoint.</summary>
internal sealed record HealthResponse(
    string Status,
    double TotalDurationMs,
    IReadOnlyDictionary<string, HealthCheckEntry> Checks);

/// <summary>One check in a <see cref="HealthResponse"/>. <see cref="Exception"/> is filled only in Development.</summary>
internal sealed record HealthCheckEntry(
    string Status,
    double DurationMs,
    string? Description,
    IReadOnlyList<string> Tags,
    string? Exception);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ServiceInfo))]
internal sealed partial class ServiceDefaultsJsonContext : JsonSerializerContext;
