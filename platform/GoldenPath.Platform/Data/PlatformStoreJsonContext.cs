using System.Text.Json.Serialization;
using GoldenPath.Catalog;
using GoldenPath.Catalog.Contracts;

namespace GoldenPath.Platform.Data;

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(List<EntityLink>))]
[JsonSerializable(typeof(List<ServiceDependency>))]
[JsonSerializable(typeof(List<ApiDefinition>))]
[JsonSerializable(typeof(List<DeployedCommit>))]
internal sealed partial class PlatformStoreJsonContext : JsonSerializerContext;
