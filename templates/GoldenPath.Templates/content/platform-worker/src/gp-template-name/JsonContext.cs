using System.Text.Json;
using System.Text.Json.Serialization;
using GpTemplateNamespace.Work;

namespace GpTemplateNamespace;

/// <summary>
/// The JSON of the service's endpoints, generated at build time: Native AOT has no runtime code generation, so every
/// type an endpoint reads or writes is named here. Add yours.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WorkStatus))]
internal sealed partial class JsonContext : JsonSerializerContext;
