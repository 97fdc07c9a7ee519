using System.Text.Json;
using System.Text.Json.Serialization;
using GpTemplateNamespace.Items;

namespace GpTemplateNamespace;

/// <summary>
/// The JSON of the service's endpoints, generated at build time: Native AOT has no runtime code generation, so every
/// type an endpoint reads or writes is named here. Add yours.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Item))]
[JsonSerializable(typeof(NewItem))]
[JsonSerializable(typeof(IReadOnlyList<Item>))]
internal sealed partial class JsonContext : JsonSerializerContext;
