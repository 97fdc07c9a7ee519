using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using k8s.Models;

namespace GoldenPath.Kubernetes;

/// <summary>
/// Kubernetes' quantity grammar (<c>4</c>, <c>2500m</c>, <c>8Gi</c>, <c>1e3</c>) with a bounded exponent and length, checked
/// before any text reaches <see cref="ResourceQuantity"/>: its parser raises ten to any exponent it is given
/// (<c>1e100000000</c> took minutes of CPU and gigabytes of memory) and throws on text it does not know.
/// </summary>
internal static partial class KubernetesQuantity
{
    /// <summary>The longest quantity accepted (Kubernetes' own are a few characters).</summary>
    public const int MaxLength = 64;

    /// <summary>How a quantity is written, for messages.</summary>
    public const string Grammar = "a number with an optional suffix (Ki, Mi, Gi, Ti, Pi, Ei, n, u, m, k, M, G, T, P, E) or an exponent of at most two digits, e.g. '4', '2500m', '8Gi', '1e3'";

    /// <summary>Whether a text is a quantity as Kubernetes writes one, short enough and with an exponent of at most two digits.</summary>
    /// <param name="value">The text.</param>
    /// <returns>True when <see cref="ResourceQuantity"/> may parse it.</returns>
    public static bool IsValid(string? value) => value is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(value);

    [GeneratedRegex(@"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]{1,2})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>
    /// Reads a quantity only when it matches the grammar; anything else is a <see cref="JsonException"/>, which the
    /// serializer gives the field's path (KubernetesClient's own converter hands any text to the parser).
    /// </summary>
    internal sealed class JsonConverter : JsonConverter<ResourceQuantity>
    {
        public override ResourceQuantity? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            string text;
            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    return null;
                case JsonTokenType.String:
                    text = reader.GetString()!;
                    break;
                case JsonTokenType.Number:
                    text = System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
                    break;
                default:
                    throw new StrictJsonConverters.ValueException($"a quantity is a string or a number, not {reader.TokenType}; write {Grammar}.");
            }

            if (!IsValid(text))
            {
                throw new StrictJsonConverters.ValueException($"'{Shorten(text)}' is not a Kubernetes quantity; write {Grammar}.");
            }

            try
            {
                return new ResourceQuantity(text);
            }
            catch (Exception exception) when (exception is FormatException or ArgumentException or OverflowException)
            {
                throw new StrictJsonConverters.ValueException($"'{text}' is not a Kubernetes quantity ({exception.Message}); write {Grammar}.", exception);
            }
        }

        public override void Write(Utf8JsonWriter writer, ResourceQuantity value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(value?.ToString());
        }
    }

    private static string Shorten(string text) => text.Length <= MaxLength ? text : $"{text[..MaxLength]}… ({text.Length} characters)";
}
