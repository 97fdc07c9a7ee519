using System.Text.Json;
using System.Text.Json.Serialization;

namespace GoldenPath.Catalog.Contracts;

/// <summary>
/// The source-generated JSON metadata of every platform API contract: camelCase names, nulls left out,
/// no reflection (trimming- and AOT-safe).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ServiceUpsertRequest))]
[JsonSerializable(typeof(ServiceDescription))]
[JsonSerializable(typeof(IReadOnlyList<ServiceDescription>))]
[JsonSerializable(typeof(InstanceRegistration))]
[JsonSerializable(typeof(ServiceInstance))]
[JsonSerializable(typeof(PlatformProblem))]
public sealed partial class PlatformJsonContext : JsonSerializerContext;
