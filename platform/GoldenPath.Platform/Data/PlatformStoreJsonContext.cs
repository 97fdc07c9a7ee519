using System.Text.Json.Serialization;

namespace GoldenPath.Platform.Data;

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(List<StoredLink>))]
[JsonSerializable(typeof(List<StoredDependency>))]
[JsonSerializable(typeof(List<StoredApiDefinition>))]
[JsonSerializable(typeof(List<StoredCommit>))]
internal sealed partial class PlatformStoreJsonContext : JsonSerializerContext;
