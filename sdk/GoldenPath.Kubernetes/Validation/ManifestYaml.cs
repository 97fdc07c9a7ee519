using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GoldenPath.Kubernetes;

/// <summary>
/// YAML for Kubernetes objects through KubernetesClient's JSON model (<c>KubernetesJson</c>, with its converters for
/// quantities, int-or-string and dates) and YamlDotNet's representation model. Written here because
/// <c>KubernetesYaml</c>'s object-graph serializer took about 2 ms per Deployment (12 s for the 7,000 objects of
/// 1,000 workloads, bench/results.md); this path is several times faster and strict the same way: an unknown field
/// or a wrong type is an error, and so is a quantity, int-or-string or time KubernetesClient's converters would fail on
/// (<see cref="StrictJsonConverters"/>).
/// </summary>
internal static partial class ManifestYaml
{
    private static readonly Lazy<JsonSerializerOptions> s_strict = new(() =>
    {
        JsonSerializerOptions? strict = null;
        KubernetesJson.AddJsonOptions(options => strict ??= new JsonSerializerOptions(options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow });
        if (strict is null)
        {
            throw new InvalidOperationException("KubernetesJson did not hand out its serializer options.");
        }

        // Put first, they win over KubernetesClient's converters (in the list and on its types) for what is read.
        foreach (var (converter, index) in StrictJsonConverters.All.Select((c, i) => (c, i)))
        {
            strict.Converters.Insert(index, converter);
        }

        return strict;
    });

    private static readonly Lazy<Dictionary<string, Type>> s_kinds = new(() =>
        typeof(V1Deployment).Assembly.GetTypes().Append(typeof(PrometheusRule))
            .Select(t => (Type: t, Entity: t.GetCustomAttribute<KubernetesEntityAttribute>()))
            .Where(x => x.Entity is not null && typeof(IKubernetesObject).IsAssignableFrom(x.Type) && !x.Type.Name.EndsWith("List", StringComparison.Ordinal))
            .GroupBy(x => Key(string.IsNullOrEmpty(x.Entity!.Group) ? x.Entity.ApiVersion : $"{x.Entity.Group}/{x.Entity.ApiVersion}", x.Entity.Kind))
            .ToDictionary(g => g.Key, g => g.First().Type, StringComparer.Ordinal));

    /// <summary>Serializes an object as one YAML document.</summary>
    public static string Serialize(object value)
    {
        using var json = JsonDocument.Parse(KubernetesJson.Serialize(value));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(writer);
        emitter.Emit(new YamlDotNet.Core.Events.StreamStart());
        emitter.Emit(new YamlDotNet.Core.Events.DocumentStart(null, null, isImplicit: true));
        Write(emitter, json.RootElement);
        emitter.Emit(new YamlDotNet.Core.Events.DocumentEnd(isImplicit: true));
        emitter.Emit(new YamlDotNet.Core.Events.StreamEnd());
        return writer.ToString();
    }

    /// <summary>Reads one document as the Kubernetes object its apiVersion and kind name.</summary>
    /// <exception cref="KeyNotFoundException">No model has that apiVersion and kind.</exception>
    /// <exception cref="JsonException">An unknown field, a wrong type or a malformed quantity, int-or-string or time (with its JSON path).</exception>
    public static IKubernetesObject<V1ObjectMeta> Load(YamlMappingNode root, string apiVersion, string kind)
    {
        var type = s_kinds.Value[Key(apiVersion, kind)];
        var json = new ArrayBufferWriterStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            Write(writer, root);
        }

        return (IKubernetesObject<V1ObjectMeta>)JsonSerializer.Deserialize(json.WrittenSpan, type, s_strict.Value)!;
    }

    private static string Key(string apiVersion, string kind) => $"{apiVersion}/{kind}";

    private static void Write(IEmitter emitter, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                emitter.Emit(new YamlDotNet.Core.Events.MappingStart());
                foreach (var property in element.EnumerateObject())
                {
                    Scalar(emitter, property.Name, quoteIfAmbiguous: true);
                    Write(emitter, property.Value);
                }

                emitter.Emit(new YamlDotNet.Core.Events.MappingEnd());
                break;
            case JsonValueKind.Array:
                emitter.Emit(new YamlDotNet.Core.Events.SequenceStart(null, null, false, YamlDotNet.Core.Events.SequenceStyle.Block));
                foreach (var item in element.EnumerateArray())
                {
                    Write(emitter, item);
                }

                emitter.Emit(new YamlDotNet.Core.Events.SequenceEnd());
                break;
            case JsonValueKind.String:
                Scalar(emitter, element.GetString()!, quoteIfAmbiguous: true);
                break;
            default:
                // numbers, true, false, null: their JSON text is the YAML scalar
                Scalar(emitter, element.GetRawText(), quoteIfAmbiguous: false);
                break;
        }
    }

    private static void Scalar(IEmitter emitter, string value, bool quoteIfAmbiguous)
    {
        // A string that would read back as something else (8080, true, null, an empty value) is quoted.
        var style = quoteIfAmbiguous && PlainScalars.IsAmbiguous(value) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;
        emitter.Emit(new YamlDotNet.Core.Events.Scalar(null, null, value, style, true, true));
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode name ? name.Value ?? "" : throw new YamlInputException(key.Start, key.End, "a mapping key must be a plain value (a string)"));
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    if (item is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" })
                    {
                        // A null item becomes a null container, volume or variable that every reader of the model trips on.
                        throw new YamlInputException(item.Start, item.End, "a list item is empty (null); remove it, or write the item");
                    }

                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                var text = scalar.Value ?? "";
                if (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && NonString(text))
                {
                    // YAML 1.2 core schema: a plain null, boolean or number is not a string.
                    if (text is "" or "~" or "null" or "Null" or "NULL")
                    {
                        writer.WriteNullValue();
                    }
                    else if (bool.TryParse(text, out var boolean))
                    {
                        writer.WriteBooleanValue(boolean);
                    }
                    else
                    {
                        writer.WriteRawValue(text.StartsWith('+') ? text[1..] : text, skipInputValidation: false);
                    }
                }
                else
                {
                    writer.WriteStringValue(text);
                }

                break;
            default:
                throw new YamlInputException(node.Start, node.End, "aliases and anchors are not accepted in manifests");
        }
    }

    private static bool NonString(string value) => value is "" or "~" || CoreSchemaNonString().IsMatch(value);

    [GeneratedRegex(@"^(null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)$")]
    private static partial Regex CoreSchemaNonString();

    /// <summary>An in-memory stream whose written bytes can be read as a span.</summary>
    private sealed class ArrayBufferWriterStream : MemoryStream
    {
        public ReadOnlySpan<byte> WrittenSpan => GetBuffer().AsSpan(0, (int)Length);
    }
}
