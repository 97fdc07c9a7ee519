using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace GoldenPath.ServiceDefaults.Logging;

/// <summary>
/// One JSON object per line: <c>timestamp</c> (UTC, ISO 8601), <c>level</c>, <c>category</c>, <c>event_id</c>,
/// <c>message</c>, <c>template</c>, the template's properties under <c>attributes</c>, <c>trace_id</c>,
/// <c>span_id</c> and (when it has one) <c>parent_span_id</c> of the current activity, the service's <c>service.name</c>, <c>service.version</c> and
/// <c>service.instance.id</c>, the logger's scopes (outermost first) under <c>scopes</c>, and the exception.
/// </summary>
/// <remarks>
/// <para>
/// Hand-written because the framework's JSON console formatter puts trace ids only inside scopes and knows
/// nothing of the service's identity, which log pipelines need at the top level to join logs with traces.
/// </para>
/// <para>
/// The console logger drops a line whose formatter throws, without a word. So this formatter never throws: a value
/// whose <c>ToString</c> fails is written as a note saying so, and if the line cannot be written at all (a scope
/// that fails while it is enumerated), a shorter line with the message and <c>log.formatter_error</c> is written
/// instead. Each thread reuses its buffers: a line allocates only the string the console logger queues.
/// </para>
/// </remarks>
internal sealed class GoldenPathJsonConsoleFormatter(ServiceInfo service, TimeProvider time) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "goldenpath-json";

    private const string OriginalFormat = "{OriginalFormat}";

    private static readonly JsonEncodedText s_timestamp = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText s_level = JsonEncodedText.Encode("level");
    private static readonly JsonEncodedText s_category = JsonEncodedText.Encode("category");
    private static readonly JsonEncodedText s_eventId = JsonEncodedText.Encode("event_id");
    private static readonly JsonEncodedText s_eventName = JsonEncodedText.Encode("event_name");
    private static readonly JsonEncodedText s_message = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText s_template = JsonEncodedText.Encode("template");
    private static readonly JsonEncodedText s_attributes = JsonEncodedText.Encode("attributes");
    private static readonly JsonEncodedText s_scopes = JsonEncodedText.Encode("scopes");
    private static readonly JsonEncodedText s_traceId = JsonEncodedText.Encode("trace_id");
    private static readonly JsonEncodedText s_spanId = JsonEncodedText.Encode("span_id");
    private static readonly JsonEncodedText s_parentSpanId = JsonEncodedText.Encode("parent_span_id");
    private static readonly JsonEncodedText s_serviceName = JsonEncodedText.Encode("service.name");
    private static readonly JsonEncodedText s_serviceVersion = JsonEncodedText.Encode("service.version");
    private static readonly JsonEncodedText s_serviceInstanceId = JsonEncodedText.Encode("service.instance.id");
    private static readonly JsonEncodedText s_exceptionType = JsonEncodedText.Encode("exception.type");
    private static readonly JsonEncodedText s_exceptionMessage = JsonEncodedText.Encode("exception.message");
    private static readonly JsonEncodedText s_exceptionStacktrace = JsonEncodedText.Encode("exception.stacktrace");
    private static readonly JsonEncodedText s_formatterError = JsonEncodedText.Encode("log.formatter_error");

    private static readonly JsonWriterOptions s_writerOptions = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The level names, escaped once.</summary>
    private static readonly JsonEncodedText[] s_levels = [.. Enum.GetValues<LogLevel>().Order().Select(level => JsonEncodedText.Encode(LevelName(level)))];

    [ThreadStatic]
    private static LineBuffer? t_line;

    // The service's identity is the same on every line: escaped once, copied into each.
    private readonly JsonEncodedText _serviceName = JsonEncodedText.Encode(service.Name, s_writerOptions.Encoder);
    private readonly JsonEncodedText _serviceVersion = JsonEncodedText.Encode(service.Version, s_writerOptions.Encoder);
    private readonly JsonEncodedText _serviceInstanceId = JsonEncodedText.Encode(service.InstanceId, s_writerOptions.Encoder);

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        string? message;
        try
        {
            message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        }
        catch (Exception exception)
        {
            message = $"(the log message could not be formatted: {exception.GetType().Name}: {exception.Message})";
        }

        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        // A value's ToString may log on the same thread: that line gets buffers of its own.
        var line = t_line is { InUse: false } cached ? cached : new LineBuffer();
        t_line ??= line;
        line.InUse = true;
        try
        {
            try
            {
                line.Start();
                WriteEntry(line, in logEntry, message, scopeProvider);
            }
            catch (Exception exception)
            {
                line.Start();
                WriteFallback(line, in logEntry, message, exception);
            }

            line.CopyTo(textWriter);
        }
        finally
        {
            line.InUse = false;
            if (line.IsOversized && ReferenceEquals(t_line, line))
            {
                t_line = null; // one huge line (a long stack trace) does not keep its buffers for the thread's life
            }
        }
    }

    private void WriteEntry<TState>(LineBuffer line, in LogEntry<TState> logEntry, string? message, IExternalScopeProvider? scopeProvider)
    {
        var writer = line.Json;
        writer.WriteStartObject();
        WriteHeader(writer, in logEntry, message);
        if (Activity.Current is { } activity)
        {
            Span<byte> id = stackalloc byte[16];
            Span<char> hex = stackalloc char[32];
            activity.TraceId.CopyTo(id);
            Convert.TryToHexStringLower(id, hex, out _);
            writer.WriteString(s_traceId, hex);
            activity.SpanId.CopyTo(id[..8]);
            Convert.TryToHexStringLower(id[..8], hex, out _);
            writer.WriteString(s_spanId, hex[..16]);
            if (activity.ParentSpanId != default)
            {
                activity.ParentSpanId.CopyTo(id[..8]);
                Convert.TryToHexStringLower(id[..8], hex, out _);
                writer.WriteString(s_parentSpanId, hex[..16]);
            }
        }

        WriteService(writer);

        if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> properties)
        {
            WriteProperties(line, properties);
        }

        if (scopeProvider is not null)
        {
            line.ScopesStarted = false;
            scopeProvider.ForEachScope(static (scope, line) => WriteScope(line, scope), line);
            if (line.ScopesStarted)
            {
                writer.WriteEndArray();
            }
        }

        if (logEntry.Exception is { } exception)
        {
            writer.WriteString(s_exceptionType, exception.GetType().FullName);
            writer.WriteString(s_exceptionMessage, SafeMessage(exception));
            writer.WriteString(s_exceptionStacktrace, SafeToString(exception));
        }

        writer.WriteEndObject();
    }

    /// <summary>What is always known of a line, with the reason the whole line could not be written.</summary>
    private void WriteFallback<TState>(LineBuffer line, in LogEntry<TState> logEntry, string? message, Exception error)
    {
        var writer = line.Json;
        writer.WriteStartObject();
        WriteHeader(writer, in logEntry, message ?? (logEntry.Exception is { } failure ? SafeMessage(failure) : null));
        WriteService(writer);
        if (logEntry.Exception is { } exception)
        {
            writer.WriteString(s_exceptionType, exception.GetType().FullName);
            writer.WriteString(s_exceptionMessage, SafeMessage(exception));
        }

        writer.WriteString(s_formatterError, $"{error.GetType().Name}: {SafeMessage(error)}");
        writer.WriteEndObject();
    }

    private void WriteService(Utf8JsonWriter writer)
    {
        writer.WriteString(s_serviceName, _serviceName);
        writer.WriteString(s_serviceVersion, _serviceVersion);
        writer.WriteString(s_serviceInstanceId, _serviceInstanceId);
    }

    private void WriteHeader<TState>(Utf8JsonWriter writer, in LogEntry<TState> logEntry, string? message)
    {
        // "O" of a UTC DateTime is yyyy-MM-ddTHH:mm:ss.fffffffZ, formatted by a fast path straight to UTF-8 (a custom
        // format string went through the general formatter: a tenth of the line's cost).
        Span<byte> timestamp = stackalloc byte[28];
        time.GetUtcNow().UtcDateTime.TryFormat(timestamp, out var written, "O", CultureInfo.InvariantCulture);
        writer.WriteString(s_timestamp, timestamp[..written]);
        writer.WriteString(s_level, (uint)logEntry.LogLevel < (uint)s_levels.Length ? s_levels[(int)logEntry.LogLevel] : s_levels[^1]);
        writer.WriteString(s_category, logEntry.Category);
        if (logEntry.EventId.Id != 0 || logEntry.EventId.Name is not null)
        {
            writer.WriteNumber(s_eventId, logEntry.EventId.Id);
            if (logEntry.EventId.Name is { } eventName)
            {
                writer.WriteString(s_eventName, eventName);
            }
        }

        writer.WriteString(s_message, message);
    }

    private static void WriteProperties(LineBuffer line, IReadOnlyList<KeyValuePair<string, object?>> properties)
    {
        var writer = line.Json;
        string? template = null;
        var wroteAttributes = false;
        line.Keys.Clear();
        for (var i = 0; i < properties.Count; i++)
        {
            var (key, value) = properties[i];
            if (key == OriginalFormat)
            {
                template = value as string ?? SafeToString(value);
                continue;
            }

            // A template that names a property twice ("{Id} ... {Id}") would write a key twice, which JSON parsers
            // such as Elasticsearch's refuse: the first value stands.
            if (!line.Keys.Add(key ?? ""))
            {
                continue;
            }

            if (!wroteAttributes)
            {
                writer.WriteStartObject(s_attributes);
                wroteAttributes = true;
            }

            writer.WritePropertyName(key ?? "");
            WriteValue(writer, value);
        }

        if (wroteAttributes)
        {
            writer.WriteEndObject();
        }

        if (template is not null)
        {
            writer.WriteString(s_template, template);
        }
    }

    /// <summary>
    /// One scope as an element of the <c>scopes</c> array: its key/value pairs as an object (a message template's
    /// <c>{OriginalFormat}</c> left out), anything else as its string.
    /// </summary>
    private static void WriteScope(LineBuffer line, object? scope)
    {
        if (scope is null)
        {
            return;
        }

        var writer = line.Json;
        if (!line.ScopesStarted)
        {
            writer.WriteStartArray(s_scopes);
            line.ScopesStarted = true;
        }

        if (scope is IReadOnlyList<KeyValuePair<string, object?>> list)
        {
            // The host's request scope and LoggerMessage scopes are lists: read by index, without an enumerator per line.
            writer.WriteStartObject();
            line.Keys.Clear();
            for (var i = 0; i < list.Count; i++)
            {
                var (key, value) = list[i];
                WriteScopePair(line, key, value);
            }

            writer.WriteEndObject();
        }
        else if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            writer.WriteStartObject();
            line.Keys.Clear();
            foreach (var (key, value) in pairs)
            {
                WriteScopePair(line, key, value);
            }

            writer.WriteEndObject();
        }
        else
        {
            writer.WriteStringValue(SafeToString(scope));
        }
    }

    private static void WriteScopePair(LineBuffer line, string? key, object? value)
    {
        if (key == OriginalFormat || !line.Keys.Add(key ?? ""))
        {
            return;
        }

        line.Json.WritePropertyName(key ?? "");
        WriteValue(line.Json, value);
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int or long or short or byte or sbyte or uint or ushort:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong u:
                writer.WriteNumberValue(u);
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
            default:
                writer.WriteStringValue(SafeToString(value));
                break;
        }
    }

    /// <summary>An exception's message; a <c>Message</c> that throws is named instead of losing the line.</summary>
    private static string SafeMessage(Exception exception)
    {
        try
        {
            return exception.Message;
        }
        catch (Exception failure)
        {
            return $"({exception.GetType().FullName}.Message threw {failure.GetType().Name})";
        }
    }

    /// <summary>The value as invariant text; a <c>ToString</c> that throws is named instead of losing the line.</summary>
    private static string SafeToString(object? value)
    {
        try
        {
            return value switch
            {
                null => "",
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
        }
        catch (Exception exception)
        {
            return $"({value!.GetType().FullName}.ToString() threw {exception.GetType().Name}: {SafeMessage(exception)})";
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

    /// <summary>A thread's buffers for one line: the UTF-8 JSON, and the characters handed to the console logger.</summary>
    private sealed class LineBuffer
    {
        private const int KeptCapacity = 64 * 1024;

        private readonly ArrayBufferWriter<byte> _bytes = new(1024);
        private char[] _chars = new char[1024];

        public LineBuffer() => Json = new Utf8JsonWriter(_bytes, s_writerOptions);

        public Utf8JsonWriter Json { get; }

        public bool InUse { get; set; }

        public bool ScopesStarted { get; set; }

        /// <summary>The keys written so far in the object being written (attributes, or one scope).</summary>
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

        public bool IsOversized => _bytes.Capacity > KeptCapacity;

        public void Start()
        {
            _bytes.ResetWrittenCount();
            Json.Reset(_bytes);
        }

        public void CopyTo(TextWriter textWriter)
        {
            Json.Flush();
            var bytes = _bytes.WrittenSpan;
            var needed = Encoding.UTF8.GetMaxCharCount(bytes.Length);
            if (_chars.Length < needed)
            {
                _chars = new char[Math.Max(needed, _chars.Length * 2)];
            }

            var count = Encoding.UTF8.GetChars(bytes, _chars);
            textWriter.Write(_chars.AsSpan(0, count));
            textWriter.Write(Environment.NewLine);
        }
    }
}
