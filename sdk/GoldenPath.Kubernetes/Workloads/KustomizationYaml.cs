using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GoldenPath.Kubernetes;

/// <summary>
/// Writes a kustomization through YamlDotNet's emitter: a string that kustomize would read as a number, a boolean or
/// null (an image tag <c>1.10</c>, <c>true</c>, <c>~</c>) is quoted (<see cref="PlainScalars"/>), numbers are numbers
/// and a patch is a literal block.
/// </summary>
internal sealed class KustomizationYaml
{
    private readonly StringWriter _text = new(CultureInfo.InvariantCulture);
    private readonly Emitter _emitter;

    /// <summary>Starts a document, after <paramref name="comment"/> lines (each written as a YAML comment).</summary>
    public KustomizationYaml(params string[] comment)
    {
        foreach (var line in comment)
        {
            _text.Write("# ");
            _text.Write(line);
            _text.Write('\n');
        }

        _emitter = new Emitter(_text);
        _emitter.Emit(new StreamStart());
        _emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        _emitter.Emit(new MappingStart());
    }

    public KustomizationYaml BeginMapping(string? key = null)
    {
        Key(key);
        _emitter.Emit(new MappingStart());
        return this;
    }

    public KustomizationYaml EndMapping()
    {
        _emitter.Emit(new MappingEnd());
        return this;
    }

    public KustomizationYaml BeginSequence(string key)
    {
        Key(key);
        _emitter.Emit(new SequenceStart(null, null, false, SequenceStyle.Block));
        return this;
    }

    public KustomizationYaml EndSequence()
    {
        _emitter.Emit(new SequenceEnd());
        return this;
    }

    /// <summary>A string, under <paramref name="key"/> or as a list item; quoted when plain it would not read as a string.</summary>
    public KustomizationYaml String(string? key, string value)
    {
        Key(key);
        Scalar(value, PlainScalars.IsAmbiguous(value) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any);
        return this;
    }

    public KustomizationYaml Number(string key, int value)
    {
        Key(key);
        Scalar(value.ToString(CultureInfo.InvariantCulture), ScalarStyle.Plain);
        return this;
    }

    public KustomizationYaml Boolean(string key, bool value)
    {
        Key(key);
        Scalar(value ? "true" : "false", ScalarStyle.Plain);
        return this;
    }

    /// <summary>A multi-line string as a literal block (<c>|-</c>), as kustomize's inline patches are written by hand.</summary>
    public KustomizationYaml Literal(string key, string value)
    {
        Key(key);
        Scalar(value, ScalarStyle.Literal);
        return this;
    }

    /// <summary>Ends the document and returns its text; call once, last.</summary>
    public string ToYaml()
    {
        _emitter.Emit(new MappingEnd());
        _emitter.Emit(new DocumentEnd(isImplicit: true));
        _emitter.Emit(new StreamEnd());
        return _text.ToString();
    }

    private void Key(string? key)
    {
        if (key is not null)
        {
            Scalar(key, PlainScalars.IsAmbiguous(key) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any);
        }
    }

    private void Scalar(string value, ScalarStyle style) => _emitter.Emit(new YamlDotNet.Core.Events.Scalar(null, null, value, style, true, true));
}
