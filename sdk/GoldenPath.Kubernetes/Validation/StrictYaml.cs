using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace GoldenPath.Kubernetes;

/// <summary>
/// Loads YAML that a service team wrote (manifests, kustomizations, the exceptions file) without letting it cost more than
/// its size: an alias is refused (a 1 KB file of nested aliases expands to 10^10 values, and the reader followed them
/// until memory ran out), nesting is bounded (a deep file overflowed the stack and killed the process), and a mapping
/// key must be a scalar (Kubernetes' JSON has only string keys). Each refusal is a <see cref="YamlInputException"/>
/// with the line and column of the offending token.
/// </summary>
internal static class StrictYaml
{
    /// <summary>The deepest nesting of mappings and sequences accepted; Kubernetes objects, CRD schemas included, stay far below it.</summary>
    public const int MaxDepth = 64;

    /// <summary>Loads every document of a YAML text.</summary>
    /// <exception cref="YamlException">A syntax error, a duplicate key, or one of the refusals above (<see cref="YamlInputException"/>).</exception>
    public static YamlStream Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new GuardedParser(new Parser(new StringReader(text))));
        foreach (var document in stream.Documents)
        {
            RequireScalarKeys(document.RootNode);
        }

        return stream;
    }

    /// <summary>What to tell the user about a YAML error: the reason alone for ours, YamlDotNet's message for its own.</summary>
    public static string Explain(YamlException exception) => exception switch
    {
        YamlInputException refused => refused.Reason,
        _ when (exception.InnerException?.Message ?? exception.Message) is var message && message.Contains("Duplicate key", StringComparison.OrdinalIgnoreCase)
            => $"duplicate key: {message}; a key may appear once per mapping (the second would silently win elsewhere)",
        _ => exception.InnerException?.Message ?? exception.Message,
    };

    private static void RequireScalarKeys(YamlNode root)
    {
        // Iterative: the parser already bounded the depth, but the walk should not depend on it.
        var pending = new Stack<YamlNode>([root]);
        while (pending.TryPop(out var node))
        {
            switch (node)
            {
                case YamlMappingNode mapping:
                    foreach (var (key, value) in mapping.Children)
                    {
                        if (key is not YamlScalarNode)
                        {
                            throw new YamlInputException(key.Start, key.End,
                                $"a mapping key must be a plain value (a string), not a {(key is YamlSequenceNode ? "sequence" : "mapping")}; write the key as text (Kubernetes objects have only string keys)");
                        }

                        pending.Push(value);
                    }

                    break;
                case YamlSequenceNode sequence:
                    foreach (var item in sequence.Children)
                    {
                        pending.Push(item);
                    }

                    break;
            }
        }
    }

    /// <summary>Passes the parser's events through, refusing aliases and nesting deeper than <see cref="MaxDepth"/>.</summary>
    private sealed class GuardedParser(IParser inner) : IParser
    {
        private int _depth;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }

            switch (inner.Current)
            {
                case AnchorAlias alias:
                    throw new YamlInputException(alias.Start, alias.End,
                        $"alias *{alias.Value} refused: anchors and aliases are not accepted (a few aliases can expand a small file without bound); write the value out in full");
                case MappingStart or SequenceStart when ++_depth > MaxDepth:
                    throw new YamlInputException(inner.Current.Start, inner.Current.End,
                        $"nested deeper than {MaxDepth} mappings and sequences; no Kubernetes object needs that, so the file is refused");
                case MappingEnd or SequenceEnd:
                    _depth--;
                    break;
            }

            return true;
        }
    }
}

/// <summary>YAML that is well-formed but refused: an alias, nesting too deep, a non-scalar key.</summary>
/// <param name="start">Where the offending token starts.</param>
/// <param name="end">Where it ends.</param>
/// <param name="reason">What was refused and how to fix it.</param>
internal sealed class YamlInputException(Mark start, Mark end, string reason) : YamlException(start, end, reason)
{
    /// <summary>Gets what was refused and how to fix it, without the position (messages carry file and line separately).</summary>
    public string Reason { get; } = reason;
}
