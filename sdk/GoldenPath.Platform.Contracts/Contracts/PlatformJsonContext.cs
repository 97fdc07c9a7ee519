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
[JsonSerializable(typeof(DeploymentEvent))]
[JsonSerializable(typeof(DeploymentRecord))]
[JsonSerializable(typeof(IReadOnlyList<DeploymentRecord>))]
[JsonSerializable(typeof(IncidentRequest))]
[JsonSerializable(typeof(IncidentPatch))]
[JsonSerializable(typeof(IncidentRecord))]
[JsonSerializable(typeof(DoraReport))]
[JsonSerializable(typeof(Scorecard))]
[JsonSerializable(typeof(ServiceObjectives))]
[JsonSerializable(typeof(FleetVersions))]
[JsonSerializable(typeof(EnvironmentRequest))]
[JsonSerializable(typeof(EnvironmentRecord))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenCreated))]
public sealed partial class PlatformJsonContext : JsonSerializerContext;
