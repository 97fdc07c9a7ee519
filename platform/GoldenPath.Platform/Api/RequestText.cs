using System.Text.Json;
using GoldenPath.Catalog.Contracts;

namespace GoldenPath.Platform;

/// <summary>
/// The edge's rules for what a request may carry, checked before anything is bound or stored, for every write and
/// every URL: no control character (Unicode category Cc: U+0000–U+001F, U+007F–U+009F) in any text, except tab, line
/// feed and carriage return in the few fields that hold multi-line text; text that is valid Unicode; JSON nested at most
/// <see cref="MaxDepth"/> deep, arrays of at most <see cref="MaxArrayItems"/> items and no <c>null</c> among them.
/// PostgreSQL refuses NUL in text (SQLSTATE 22021) and nothing downstream (logs, YAML, Backstage, terminals) wants the
/// others; refused here, a bad value is a 400 for the request that sent it instead of a failed write for everyone
/// whose heartbeats share its batch.
/// </summary>
internal static class RequestText
{
    /// <summary>The deepest nesting of a request body; the deepest contract (a service's API definitions) needs 3.</summary>
    public const int MaxDepth = 16;

    /// <summary>The most items of any array in a request body; each field has its own, smaller limit (docs/platform-api.md).</summary>
    public const int MaxArrayItems = 1000;

    /// <summary>The fields, per request, that may hold multi-line text (tab, line feed, carriage return); <c>[]</c> stands for any index.</summary>
    private static readonly Dictionary<Type, HashSet<string>> s_multiLine = new()
    {
        [typeof(ServiceUpsertRequest)] = new(["description", "apiDefinitions[].definition"], StringComparer.OrdinalIgnoreCase),
        [typeof(DeploymentEvent)] = new(["manifests"], StringComparer.OrdinalIgnoreCase),
    };

    /// <summary>
    /// Finds what the edge refuses in a JSON body, by field path (<c>links[0].url</c>), as validation errors.
    /// Throws <see cref="JsonException"/> for malformed JSON or JSON nested deeper than <see cref="MaxDepth"/>.
    /// </summary>
    public static Dictionary<string, string[]> Check(ReadOnlySpan<byte> json, Type request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var multiLine = s_multiLine.GetValueOrDefault(request);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        var containers = new Stack<Container>();
        (string Path, string Pattern) property = ("", "");
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    var parent = containers.Peek();
                    var name = TryGetString(ref reader, out var n) ? n : "?";
                    property = (Join(parent.Path, name), Join(parent.Pattern, name));
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    var (path, pattern) = NextValue(containers, property, errors);
                    containers.Push(new Container(path, pattern, reader.TokenType == JsonTokenType.StartArray));
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    containers.Pop();
                    break;
                default:
                    var (valuePath, valuePattern) = NextValue(containers, property, errors);
                    if (reader.TokenType == JsonTokenType.Null && containers.TryPeek(out var array) && array.IsArray)
                    {
                        Add(errors, valuePath, "is null; an array in a request holds no nulls, leave the item out");
                    }
                    else if (reader.TokenType == JsonTokenType.String)
                    {
                        var lines = multiLine?.Contains(valuePattern) == true;
                        if (!TryGetString(ref reader, out var text))
                        {
                            Add(errors, valuePath, "is not valid Unicode text (invalid UTF-8, or a lone surrogate such as \\ud800)");
                        }
                        else if (ControlCharacter(text, lines) is { } at)
                        {
                            Add(errors, valuePath, $"has the control character U+{(int)text[at]:X4} at position {at}; text may not contain control characters"
                                + (lines ? " other than tab, line feed and carriage return" : " (only a service's description and API definitions may span lines)"));
                        }
                    }

                    break;
            }
        }

        return errors;
    }

    /// <summary>What is wrong with the request's path or query string, or null: the same rule for text as in bodies.</summary>
    public static string? UrlProblem(HttpRequest request)
    {
        if (request.Path.Value is { } path && ControlCharacter(path, multiLine: false) is { } at)
        {
            return $"The request path has the control character U+{(int)path[at]:X4} at position {at}; names and ids never contain control characters.";
        }

        foreach (var (key, values) in request.Query)
        {
            if (ControlCharacter(key, multiLine: false) is not null || values.Any(v => v is not null && ControlCharacter(v, multiLine: false) is not null))
            {
                return $"The query parameter '{Printable(key)}' has a control character; names, ids and filters never contain control characters.";
            }

            if (values.Any(v => v is not null && !IsValidUnicode(v)))
            {
                return $"The query parameter '{Printable(key)}' is not valid Unicode text.";
            }
        }

        return null;
    }

    /// <summary>The index of the first control character that is not allowed, or null.</summary>
    private static int? ControlCharacter(string text, bool multiLine)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsControl(text[i]) && !(multiLine && text[i] is '\t' or '\n' or '\r'))
            {
                return i;
            }
        }

        return null;
    }

    private static bool IsValidUnicode(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static (string Path, string Pattern) NextValue(Stack<Container> containers, (string Path, string Pattern) property, Dictionary<string, string[]> errors)
    {
        if (!containers.TryPeek(out var container))
        {
            return ("", "");
        }

        if (!container.IsArray)
        {
            return property;
        }

        if (++container.Count == MaxArrayItems + 1)
        {
            Add(errors, container.Path, $"has more than {MaxArrayItems} items, the most any array in a request may have");
        }

        return ($"{container.Path}[{container.Count - 1}]", $"{container.Pattern}[]");
    }

    private static bool TryGetString(ref Utf8JsonReader reader, out string text)
    {
        try
        {
            text = reader.GetString()!;
            return IsValidUnicode(text);
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    private static string Join(string parent, string name) => parent.Length == 0 ? Printable(name) : $"{parent}.{Printable(name)}";

    private static string Printable(string name) =>
        ControlCharacter(name, multiLine: false) is null ? name : string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    private static void Add(Dictionary<string, string[]> errors, string field, string message)
    {
        var key = field.Length == 0 ? "body" : field;
        errors[key] = errors.TryGetValue(key, out var existing) ? [.. existing, message] : [message];
    }

    private sealed class Container(string path, string pattern, bool isArray)
    {
        public string Path { get; } = path;

        public string Pattern { get; } = pattern;

        public bool IsArray { get; } = isArray;

        public int Count { get; set; }
    }
}
