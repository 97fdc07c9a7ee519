using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace GoldenPath.Kubernetes;

/// <summary>
/// Converters that stand in front of KubernetesClient's own when manifests are read: theirs throw
/// <see cref="NotSupportedException"/>, <see cref="FormatException"/> or <see cref="ArgumentException"/> on a value of
/// the wrong shape, which carry no field; these throw <see cref="JsonException"/>, which the serializer gives the field's
/// path, so that the reader can say where the value is written.
/// </summary>
internal static class StrictJsonConverters
{
    /// <summary>The converters, in the order they must be put first in the options' list.</summary>
    public static IEnumerable<JsonConverter> All =>
        [new KubernetesQuantity.JsonConverter(), new IntOrStringConverter(), new DateTimeConverter(), new DateTimeOffsetConverter()];

    /// <summary>A value of the wrong shape, with a message that says what to write instead.</summary>
    internal sealed class ValueException : JsonException
    {
        public ValueException(string message)
            : base(message)
        {
        }

        public ValueException(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }

    /// <summary>Reads an int-or-string (a port, a percentage) and refuses any other JSON value.</summary>
    private sealed class IntOrStringConverter : JsonConverter<IntOrString>
    {
        public override IntOrString? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number when reader.TryGetInt64(out var number) => number.ToString(CultureInfo.InvariantCulture),
            _ => throw new StrictJsonConverters.ValueException($"expected a whole number or a string (a port number, a port name or a percentage), not {(reader.TokenType == JsonTokenType.Number ? "a fraction" : reader.TokenType.ToString().ToLowerInvariant())}."),
        };

        public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            if (long.TryParse(value?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            {
                writer.WriteNumberValue(number);
            }
            else
            {
                writer.WriteStringValue(value?.Value);
            }
        }
    }

    /// <summary>Reads a time as KubernetesClient does (RFC 3339), and refuses any other text.</summary>
    private sealed class DateTimeOffsetConverter : JsonConverter<DateTimeOffset>
    {
        private static readonly KubernetesJson.KubernetesDateTimeOffsetConverter Inner = new();

        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new StrictJsonConverters.ValueException($"expected a time as an RFC 3339 string (e.g. 2026-03-31T12:00:00Z), not {reader.TokenType.ToString().ToLowerInvariant()}.");
            }

            try
            {
                return Inner.Read(ref reader, typeToConvert, options);
            }
            catch (FormatException)
            {
                throw new StrictJsonConverters.ValueException("expected a time as an RFC 3339 string (e.g. 2026-03-31T12:00:00Z).");
            }
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => Inner.Write(writer, value, options);
    }

    /// <summary>Reads a time as KubernetesClient does (RFC 3339), and refuses any other text.</summary>
    private sealed class DateTimeConverter : JsonConverter<DateTime>
    {
        private static readonly DateTimeOffsetConverter Reader = new();
        private static readonly KubernetesJson.KubernetesDateTimeConverter Writer = new();

        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Reader.Read(ref reader, typeof(DateTimeOffset), options).UtcDateTime;

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => Writer.Write(writer, value, options);
    }
}
