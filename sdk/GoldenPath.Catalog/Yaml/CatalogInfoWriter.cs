using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GoldenPath.Catalog;

/// <summary>
/// Writes entities as <c>catalog-info.yaml</c>: one YAML document per entity, keys in Backstage's
/// conventional order, empty collections and unset fields left out, and every string that YAML would read
/// as something else quoted. What <see cref="CatalogInfoReader"/> reads back equals what was written.
/// </summary>
public static class CatalogInfoWriter
{
    /// <summary>Writes the entities as YAML text.</summary>
    /// <param name="entities">The entities.</param>
    /// <returns>The YAML, one document per entity, separated by <c>---</c>.</returns>
    public static string Write(IEnumerable<CatalogEntity> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        using var writer = new StringWriter();
        Write(entities, writer);
        return writer.ToString();
    }

    /// <summary>Writes the entities as YAML to a text writer.</summary>
    /// <param name="entities">The entities.</param>
    /// <param name="output">Where to write.</param>
    public static void Write(IEnumerable<CatalogEntity> entities, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(entities);
        ArgumentNullException.ThrowIfNull(output);
        var emitter = new Emitter(output, new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024, indentSequences: true));
        emitter.Emit(new StreamStart());
        var first = true;
        foreach (var entity in entities)
        {
            emitter.Emit(new DocumentStart(null, null, isImplicit: first));
            WriteEntity(emitter, entity);
            emitter.Emit(new DocumentEnd(isImplicit: true));
            first = false;
        }

        emitter.Emit(new StreamEnd());
    }

    /// <summary>Writes one entity to a file, replacing it.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="entities">The entities.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public static Task WriteFileAsync(string path, IEnumerable<CatalogEntity> entities, CancellationToken cancellationToken = default) =>
        File.WriteAllTextAsync(path, Write(entities), cancellationToken);

    private static void WriteEntity(IEmitter emitter, CatalogEntity entity)
    {
        emitter.Emit(new MappingStart());
        Pair(emitter, "apiVersion", entity.ApiVersion);
        Pair(emitter, "kind", entity.Kind);
        Key(emitter, "metadata");
        WriteMetadata(emitter, entity.Metadata);
        Key(emitter, "spec");
        emitter.Emit(new MappingStart());
        WriteFields(emitter, KindSchema.Of(entity).Fields, entity);
        emitter.Emit(new MappingEnd());
        emitter.Emit(new MappingEnd());
    }

    private static void WriteFields(IEmitter emitter, IReadOnlyList<SpecField> fields, CatalogEntity entity)
    {
        foreach (var field in fields.Where(f => f.HasValue(entity)))
        {
            switch (field.Shape)
            {
                case SpecFieldShape.References:
                    List(emitter, field.Name, field.Items(entity), writeEmpty: field.Required);
                    break;
                case SpecFieldShape.Mapping:
                    Key(emitter, field.Name);
                    emitter.Emit(new MappingStart());
                    WriteFields(emitter, field.Fields, entity);
                    emitter.Emit(new MappingEnd());
                    break;
                default:
                    var value = field.Get(entity)!;
                    Key(emitter, field.Name);
                    emitter.Emit(new Scalar(null, null, value,
                        field.Block && value.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.Literal : StyleFor(value), true, true));
                    break;
            }
        }
    }

    private static void WriteMetadata(IEmitter emitter, EntityMetadata metadata)
    {
        emitter.Emit(new MappingStart());
        Pair(emitter, "name", metadata.Name);
        Pair(emitter, "namespace", metadata.Namespace);
        Pair(emitter, "title", metadata.Title);
        Pair(emitter, "description", metadata.Description);
        Map(emitter, "labels", metadata.Labels);
        Map(emitter, "annotations", metadata.Annotations);
        List(emitter, "tags", metadata.Tags);
        if (metadata.Links.Count > 0)
        {
            Key(emitter, "links");
            emitter.Emit(new SequenceStart(null, null, false, SequenceStyle.Block));
            foreach (var link in metadata.Links)
            {
                emitter.Emit(new MappingStart());
                Pair(emitter, "url", link.Url);
                Pair(emitter, "title", link.Title);
                Pair(emitter, "icon", link.Icon);
                Pair(emitter, "type", link.Type);
                emitter.Emit(new MappingEnd());
            }

            emitter.Emit(new SequenceEnd());
        }

        emitter.Emit(new MappingEnd());
    }

    private static void Key(IEmitter emitter, string key) => emitter.Emit(new Scalar(key));

    private static void Pair(IEmitter emitter, string key, string? value)
    {
        if (value is null)
        {
            return;
        }

        Key(emitter, key);
        emitter.Emit(new Scalar(null, null, value, StyleFor(value), true, true));
    }

    private static void List(IEmitter emitter, string key, ICollection<string> values, bool writeEmpty = false)
    {
        if (values.Count == 0 && !writeEmpty)
        {
            return;
        }

        Key(emitter, key);
        emitter.Emit(new SequenceStart(null, null, false, values.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
        foreach (var value in values)
        {
            emitter.Emit(new Scalar(null, null, value, StyleFor(value), true, true));
        }

        emitter.Emit(new SequenceEnd());
    }

    private static void Map(IEmitter emitter, string key, IDictionary<string, string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        Key(emitter, key);
        emitter.Emit(new MappingStart());
        foreach (var (k, v) in values)
        {
            emitter.Emit(new Scalar(null, null, k, StyleFor(k), true, true));
            emitter.Emit(new Scalar(null, null, v, StyleFor(v), true, true));
        }

        emitter.Emit(new MappingEnd());
    }

    private static ScalarStyle StyleFor(string value) =>
        YamlScalars.IsNonString(value) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;
}
