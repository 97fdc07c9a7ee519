using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace GoldenPath.ServiceDefaults.Logging;

/// <summary>
/// One JSON object per line: <c>timestamp</c> (UTC, ISO 8601), <c>level</c>, <c>category</c>, <c>event_id</c>,
/// <c>message</c>, <c>template</c>, the template's properties under <c>attributes</c>, <c>trace_id</c> and
/// <c>span_id</c> of the current activity, the service's <c>service.name</c>, <c>service.version</c> and
/// <c>service.instance.id</c>, scopes and the exception.
/// </summary>
/// <remarks>
/// Hand-written because the framework's JSON console formatter puts trace ids only inside scopes and knows
/// nothing of the service's identity, which log pipelines need at the top level to join logs with traces.
/// </remarks>
internal sealed class GoldenPathJsonConsoleFormatter(ServiceInfo service, TimeProvider time) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "goldenpath-json";

    private const string OriginalFormat = "{OriginalFormat}";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("level", LevelName(logEntry.LogLevel));
            writer.WriteString("category", logEntry.Category);
            if (logEntry.EventId.Id != 0 || logEntry.EventId.Name is not null)
            {
                writer.WriteNumber("event_id", logEntry.EventId.Id);
                if (logEntry.EventId.Name is { } eventName)
                {
                    writer.WriteString("event_name", eventName);
                }
            }

            writer.WriteString("message", message);
            if (Activity.Current is { } activity)
            {
                writer.WriteString("trace_id", activity.TraceId.ToHexString());
                writer.WriteString("span_id", activity.SpanId.ToHexString());
            }

            writer.WriteString("service.name", service.Name);
            writer.WriteString("service.version", service.Version);
            writer.WriteString("service.instance.id", service.InstanceId);

            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> properties)
            {
                WriteProperties(writer, properties);
            }

            if (scopeProvider is not null)
            {
                WriteScopes(writer, scopeProvider);
            }

            if (logEntry.Exception is { } exception)
            {
                writer.WriteString("exception.type", exception.GetType().FullName);
                writer.WriteString("exception.message", exception.Message);
                writer.WriteString("exception.stacktrace", exception.ToString());
            }

            writer.WriteEndObject();
        }

        textWriter.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write(Environment.NewLine);
    }

    private static void WriteProperties(Utf8JsonWriter writer, IReadOnlyList<KeyValuePair<string, object?>> properties)
    {
        string? template = null;
        var wroteAttributes = false;
        foreach (var (key, value) in properties)
        {
            if (key == OriginalFormat)
            {
                template = value?.ToString();
                continue;
            }

            if (!wroteAttributes)
            {
                writer.WritePropertyName("attributes");
                writer.WriteStartObject();
                wroteAttributes = true;
            }

            writer.WritePropertyName(key);
            WriteValue(writer, value);
        }

        if (wroteAttributes)
        {
            writer.WriteEndObject();
        }

        if (template is not null)
        {
            writer.WriteString("template", template);
        }
    }

    private static void WriteScopes(Utf8JsonWriter writer, IExternalScopeProvider scopeProvider)
    {
        var state = (Writer: writer, Started: false);
        scopeProvider.ForEachScope(static (scope, state) =>
        {
            if (scope is null)
            {
                return;
            }

            if (!state.Started)
            {
                state.Writer.WritePropertyName("scopes");
                state.Writer.WriteStartArray();
                state.Started = true;
            }

            if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                state.Writer.WriteStartObject();
                foreach (var (key, value) in pairs)
                {
                    if (key == OriginalFormat)
                    {
                        continue;
                    }

                    state.Writer.WritePropertyName(key);
                    WriteValue(state.Writer, value);
                }

                state.Writer.WriteEndObject();
            }
            else
            {
                state.Writer.WriteStringValue(Convert.ToString(scope, CultureInfo.InvariantCulture));
            }
        }, state);

        if (state.Started)
        {
            writer.WriteEndArray();
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int or long or short or byte or sbyte or uint or ushort or ulong:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                writer.WriteNumberValue(f);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case DateTimeOffset dto:
                writer.WriteStringValue(dto.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
                break;
            case DateTime dt:
                writer.WriteStringValue(dt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
                break;
            case IFormattable formattable:
                writer.WriteStringValue(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "Trace",
        LogLevel.Debug => "Debug",
        LogLevel.Information => "Information",
        LogLevel.Warning => "Warning",
        LogLevel.Error => "Error",
        LogLevel.Critical => "Critical",
        _ => "None",
    };
}
