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
        switch (entity)
        {
            case ComponentEntity c:
                Pair(emitter, "type", c.Spec.Type);
                Pair(emitter, "lifecycle", c.Spec.Lifecycle);
                Pair(emitter, "owner", c.Spec.Owner);
                Pair(emitter, "system", c.Spec.System);
                Pair(emitter, "subcomponentOf", c.Spec.SubcomponentOf);
                List(emitter, "providesApis", c.Spec.ProvidesApis);
                List(emitter, "consumesApis", c.Spec.ConsumesApis);
                List(emitter, "dependsOn", c.Spec.DependsOn);
                break;
            case ApiEntity a:
                Pair(emitter, "type", a.Spec.Type);
                Pair(emitter, "lifecycle", a.Spec.Lifecycle);
                Pair(emitter, "owner", a.Spec.Owner);
                Pair(emitter, "system", a.Spec.System);
                Key(emitter, "definition");
                emitter.Emit(new Scalar(null, null, a.Spec.Definition,
                    a.Spec.Definition.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.Literal : StyleFor(a.Spec.Definition), true, true));
                break;
            case ResourceEntity r:
                Pair(emitter, "type", r.Spec.Type);
                Pair(emitter, "owner", r.Spec.Owner);
                Pair(emitter, "system", r.Spec.System);
                List(emitter, "dependsOn", r.Spec.DependsOn);
                break;
            case SystemEntity s:
                Pair(emitter, "owner", s.Spec.Owner);
                Pair(emitter, "domain", s.Spec.Domain);
                break;
            case GroupEntity g:
                Pair(emitter, "type", g.Spec.Type);
                if (g.Spec.DisplayName is not null || g.Spec.Email is not null)
                {
                    Key(emitter, "profile");
                    emitter.Emit(new MappingStart());
                    Pair(emitter, "displayName", g.Spec.DisplayName);
                    Pair(emitter, "email", g.Spec.Email);
                    emitter.Emit(new MappingEnd());
                }

                Pair(emitter, "parent", g.Spec.Parent);
                List(emitter, "children", g.Spec.Children, writeEmpty: true);
                List(emitter, "members", g.Spec.Members);
                break;
            default:
                throw new NotSupportedException($"Cannot write an entity of kind '{entity.Kind}' ({entity.GetType().Name}).");
        }

        emitter.Emit(new MappingEnd());
        emitter.Emit(new MappingEnd());
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
