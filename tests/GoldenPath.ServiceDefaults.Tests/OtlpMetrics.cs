using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace GoldenPath.ServiceDefaults.Tests;

/// <summary>A metric as an OTLP export carried it: its meter (scope), name, unit, kind and data points.</summary>
internal sealed record OtlpMetric(string Scope, string Name, string Unit, string Kind, IReadOnlyList<OtlpPoint> Points);

/// <summary>A data point: its attributes (values as text), a sum's or gauge's value, and a histogram's explicit bucket bounds.</summary>
internal sealed record OtlpPoint(IReadOnlyDictionary<string, string> Attributes, double Value, IReadOnlyList<double> Bounds);

/// <summary>
/// Reads the metrics of an OTLP/HTTP protobuf <c>ExportMetricsServiceRequest</c> (opentelemetry-proto,
/// metrics/v1/metrics.proto), the fields the tests look at and no others.
/// </summary>
internal static class OtlpMetrics
{
    /// <summary>Reads the metrics of an export, whose body <see cref="OtlpReceiver"/> kept as Latin-1 text.</summary>
    public static IReadOnlyList<OtlpMetric> Parse(string latin1Body) => Parse(Encoding.Latin1.GetBytes(latin1Body));

    public static IReadOnlyList<OtlpMetric> Parse(ReadOnlyMemory<byte> request)
    {
        var metrics = new List<OtlpMetric>();
        foreach (var resourceMetrics in Messages(request, 1))
        {
            foreach (var scopeMetrics in Messages(resourceMetrics, 2))
            {
                var scope = Messages(scopeMetrics, 1).Select(s => Text(s, 1)).FirstOrDefault() ?? "";
                foreach (var metric in Messages(scopeMetrics, 2))
                {
                    var (kind, data, pointAttributes) =
                        Messages(metric, 9).Select(d => ("histogram", d, 9)).Concat(
                        Messages(metric, 7).Select(d => ("sum", d, 7))).Concat(
                        Messages(metric, 5).Select(d => ("gauge", d, 7))).Concat(
                        Messages(metric, 10).Select(d => ("exponential_histogram", d, 1))).FirstOrDefault();
                    var points = kind is null ? [] : Messages(data, 1).Select(p => new OtlpPoint(Attributes(p, pointAttributes), kind is "sum" or "gauge" ? Number(p) : 0, kind == "histogram" ? Doubles(p, 7) : [])).ToList();
                    metrics.Add(new OtlpMetric(scope, Text(metric, 1) ?? "", Text(metric, 3) ?? "", kind ?? "other", points));
                }
            }
        }

        return metrics;
    }

    private static Dictionary<string, string> Attributes(ReadOnlyMemory<byte> point, int field)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in Messages(point, field))
        {
            var value = Messages(keyValue, 2).FirstOrDefault();
            string text = "";
            foreach (var (number, wire, varint, bytes) in Fields(value))
            {
                text = (number, wire) switch
                {
                    (1, 2) => Encoding.UTF8.GetString(bytes.Span),
                    (2, 0) => varint != 0 ? "true" : "false",
                    (3, 0) => ((long)varint).ToString(CultureInfo.InvariantCulture),
                    (4, 1) => BitConverter.Int64BitsToDouble((long)varint).ToString(CultureInfo.InvariantCulture),
                    _ => text,
                };
            }

            attributes[Text(keyValue, 1) ?? ""] = text;
        }

        return attributes;
    }

    /// <summary>A NumberDataPoint's value: <c>as_double</c> (field 4) or <c>as_int</c> (field 6, sfixed64).</summary>
    private static double Number(ReadOnlyMemory<byte> point) =>
        Fields(point).Where(f => f.Wire == 1 && f.Number is 4 or 6).Select(f => f.Number == 4 ? BitConverter.Int64BitsToDouble((long)f.Value) : (long)f.Value).FirstOrDefault();

    /// <summary>A repeated double, packed (wire type 2) or not (wire type 1).</summary>
    private static List<double> Doubles(ReadOnlyMemory<byte> message, int field)
    {
        var values = new List<double>();
        foreach (var (number, wire, bits, bytes) in Fields(message))
        {
            if (number != field)
            {
                continue;
            }

            if (wire == 1)
            {
                values.Add(BitConverter.Int64BitsToDouble((long)bits));
            }
            else if (wire == 2)
            {
                for (var i = 0; i + 8 <= bytes.Length; i += 8)
                {
                    values.Add(BinaryPrimitives.ReadDoubleLittleEndian(bytes.Span[i..]));
                }
            }
        }

        return values;
    }

    private static string? Text(ReadOnlyMemory<byte> message, int field) =>
        Messages(message, field).Select(b => Encoding.UTF8.GetString(b.Span)).FirstOrDefault();

    private static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int field) =>
        Fields(message).Where(f => f.Number == field && f.Wire == 2).Select(f => f.Bytes);

    /// <summary>The message's fields in order: number, wire type, the varint or fixed value, the length-delimited bytes.</summary>
    private static List<(int Number, int Wire, ulong Value, ReadOnlyMemory<byte> Bytes)> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<(int, int, ulong, ReadOnlyMemory<byte>)>();
        var span = message.Span;
        var position = 0;
        while (position < span.Length)
        {
            var key = Varint(span, ref position);
            var wire = (int)(key & 7);
            var number = (int)(key >> 3);
            switch (wire)
            {
                case 0:
                    fields.Add((number, wire, Varint(span, ref position), default));
                    break;
                case 1:
                    fields.Add((number, wire, BinaryPrimitives.ReadUInt64LittleEndian(span[position..]), default));
                    position += 8;
                    break;
                case 2:
                    var length = (int)Varint(span, ref position);
                    fields.Add((number, wire, 0, message.Slice(position, length)));
                    position += length;
                    break;
                case 5:
                    fields.Add((number, wire, BinaryPrimitives.ReadUInt32LittleEndian(span[position..]), default));
                    position += 4;
                    break;
                default:
                    throw new FormatException($"Protobuf wire type {wire} (field {number}) at byte {position} is not one OTLP uses: the export is not an ExportMetricsServiceRequest.");
            }
        }

        return fields;
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
