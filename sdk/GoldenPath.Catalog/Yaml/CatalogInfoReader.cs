using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GoldenPath.Catalog;

/// <summary>
/// Reads <c>catalog-info.yaml</c> files (one or more YAML documents, each a Backstage entity) and rejects
/// what Backstage's catalog would reject: unknown kinds and API versions, missing required fields per kind,
/// and names, namespaces, labels, annotations, tags and references in the wrong format. Every problem is
/// reported with its file, line, column and field.
/// </summary>
/// <remarks>
/// Built on YamlDotNet's representation model rather than its reflection-based deserializer, so that it is
/// trimming- and AOT-safe and keeps the position of every node for error messages.
/// </remarks>
public static class CatalogInfoReader
{
    /// <summary>The conventional file name.</summary>
    public const string FileName = "catalog-info.yaml";

    private static readonly HashSet<string> s_rootFields = ["apiVersion", "kind", "metadata", "spec", "relations", "status"];

    /// <summary>Reads and validates a catalog file.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entities, in file order.</returns>
    /// <exception cref="CatalogValidationException">The file is not valid; every problem is listed.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static async Task<IReadOnlyList<CatalogEntity>> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Read(text, path);
    }

    /// <summary>Reads and validates catalog YAML.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="fileName">The name to report problems against.</param>
    /// <returns>The entities, in document order.</returns>
    /// <exception cref="CatalogValidationException">The text is not valid; every problem is listed.</exception>
    public static IReadOnlyList<CatalogEntity> Read(string yaml, string fileName = FileName)
    {
        var (entities, problems) = TryRead(yaml, fileName);
        return problems.Count > 0 ? throw new CatalogValidationException(problems) : entities;
    }

    /// <summary>Reads catalog YAML and returns the entities that are valid together with every problem found.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="fileName">The name to report problems against.</param>
    /// <returns>The valid entities and the problems.</returns>
    public static (IReadOnlyList<CatalogEntity> Entities, IReadOnlyList<CatalogProblem> Problems) TryRead(string yaml, string fileName = FileName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var problems = new List<CatalogProblem>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException exception)
        {
            problems.Add(new CatalogProblem(fileName, (int)exception.Start.Line, (int)exception.Start.Column, "(yaml)",
                $"the file is not valid YAML: {Describe(exception)}"));
            return ([], problems);
        }

        var entities = new List<CatalogEntity>();
        var documents = stream.Documents.Where(d => d.RootNode is not YamlScalarNode { Value: null or "" }).ToList();
        if (documents.Count == 0)
        {
            problems.Add(new CatalogProblem(fileName, 0, 0, "(file)", "the file holds no entity; describe the service as a Backstage Component (apiVersion, kind, metadata, spec)"));
        }

        for (var i = 0; i < documents.Count; i++)
        {
            var context = new Context(fileName, documents.Count > 1 ? $"[{i}]." : "", problems);
            var entity = ReadEntity(documents[i].RootNode, context);
            if (entity is not null && !context.Failed)
            {
                entities.Add(entity);
            }
        }

        return (entities, problems);
    }

    private static string Describe(YamlException exception)
    {
        var message = exception.InnerException?.Message ?? exception.Message;
        var close = message.IndexOf("): ", StringComparison.Ordinal);
        return close >= 0 && message.StartsWith('(') ? message[(close + 3)..] : message;
    }

    private static CatalogEntity? ReadEntity(YamlNode root, Context context)
    {
        if (root is not YamlMappingNode mapping)
        {
            context.Problem(root, "(entity)", "an entity must be a mapping with apiVersion, kind, metadata and spec");
            return null;
        }

        foreach (var key in mapping.Children.Keys.OfType<YamlScalarNode>())
        {
            if (!s_rootFields.Contains(key.Value ?? ""))
            {
                context.Problem(key, key.Value ?? "", $"unknown root field '{key.Value}'; an entity has only apiVersion, kind, metadata and spec");
            }
        }

        var apiVersion = context.String(mapping, "apiVersion", "", required: true);
        var kind = context.String(mapping, "kind", "", required: true);
        if (apiVersion is not null && !BackstageRules.ApiVersions.Contains(apiVersion, StringComparer.Ordinal))
        {
            context.Problem(context.Node(mapping, "apiVersion")!, "apiVersion",
                $"'{apiVersion}' is not an API version of the Backstage catalog; use '{CatalogEntity.DefaultApiVersion}'");
        }

        var metadataNode = context.Mapping(mapping, "metadata", "", required: true);
        var metadata = metadataNode is null ? null : ReadMetadata(metadataNode, context);
        var spec = context.Mapping(mapping, "spec", "", required: kind is not null);
        if (kind is null || metadata is null || spec is null)
        {
            return null;
        }

        if (KindSchema.For(kind) is not { } schema)
        {
            context.Problem(context.Node(mapping, "kind")!, "kind",
                $"'{kind}' is not a kind GoldenPath reads; use {KindSchema.KindNames} (kinds are case-sensitive)");
            return null;
        }

        var entity = schema.Create(metadata);
        ReadFields(schema, schema.Fields, entity, spec, "spec", context);
        entity.ApiVersion = apiVersion ?? CatalogEntity.DefaultApiVersion;
        return entity;
    }

    private static EntityMetadata? ReadMetadata(YamlMappingNode node, Context context)
    {
        var name = context.String(node, "name", "metadata", required: true);
        if (name is not null && BackstageRules.CheckEntityName(name) is { } nameProblem)
        {
            context.Problem(context.Node(node, "name")!, "metadata.name", nameProblem, name);
        }

        var ns = context.String(node, "namespace", "metadata", required: false);
        if (ns is not null && BackstageRules.CheckNamespace(ns) is { } nsProblem)
        {
            context.Problem(context.Node(node, "namespace")!, "metadata.namespace", nsProblem);
        }

        var metadata = new EntityMetadata
        {
            Name = name ?? "",
            Namespace = ns,
            Title = context.String(node, "title", "metadata", required: false),
            Description = context.String(node, "description", "metadata", required: false),
        };

        foreach (var (key, value, keyNode) in context.StringMap(node, "labels", "metadata"))
        {
            var problem = BackstageRules.CheckKey(key) ?? BackstageRules.CheckLabelValue(value);
            if (problem is not null)
            {
                context.Problem(keyNode, $"metadata.labels.{key}", problem);
            }

            metadata.Labels[key] = value;
        }

        foreach (var (key, value, keyNode) in context.StringMap(node, "annotations", "metadata"))
        {
            if ((BackstageRules.CheckKey(key) ?? ServiceLevelObjectives.CheckAnnotation(key, value)) is { } problem)
            {
                context.Problem(keyNode, $"metadata.annotations.{key}", problem);
            }

            metadata.Annotations[key] = value;
        }

        var tags = context.StringList(node, "tags", "metadata");
        for (var i = 0; i < tags.Count; i++)
        {
            if (BackstageRules.CheckTag(tags[i].Value) is { } problem)
            {
                context.Problem(tags[i].Node, $"metadata.tags[{i}]", problem);
            }

            metadata.Tags.Add(tags[i].Value);
        }

        if (context.Sequence(node, "links", "metadata") is { } links)
        {
            for (var i = 0; i < links.Children.Count; i++)
            {
                var field = $"metadata.links[{i}]";
                if (links.Children[i] is not YamlMappingNode link)
                {
                    context.Problem(links.Children[i], field, "a link must be a mapping with url (and optionally title, icon, type)");
                    continue;
                }

                var url = context.String(link, "url", field, required: true);
                if (url is not null && !Uri.TryCreate(url, UriKind.Absolute, out _))
                {
                    context.Problem(context.Node(link, "url")!, $"{field}.url", $"'{url}' is not an absolute URL");
                }

                metadata.Links.Add(new EntityLink(url ?? "", context.String(link, "title", field, false),
                    context.String(link, "icon", field, false), context.String(link, "type", field, false)));
            }
        }

        return metadata;
    }

    private static void ReadFields(KindSchema schema, IReadOnlyList<SpecField> fields, CatalogEntity entity, YamlMappingNode node, string parent, Context context)
    {
        foreach (var field in fields)
        {
            switch (field.Shape)
            {
                case SpecFieldShape.Text:
                    field.Set(entity, context.String(node, field.Name, parent, field.Required));
                    break;
                case SpecFieldShape.Reference:
                    field.Set(entity, context.Reference(node, field.Name, parent, field.DefaultKind, field.Required));
                    break;
                case SpecFieldShape.References:
                    if (field.Required && context.Node(node, field.Name) is null)
                    {
                        context.Problem(node, $"{parent}.{field.Name}", $"'{parent}.{field.Name}' is required for a {schema.Kind} (use [] when it has none)");
                    }

                    context.References(node, field.Name, parent, field.DefaultKind, field.Items(entity));
                    break;
                case SpecFieldShape.Mapping:
                    if (context.Mapping(node, field.Name, parent, required: false) is { } nested)
                    {
                        ReadFields(schema, field.Fields, entity, nested, $"{parent}.{field.Name}", context);
                    }

                    break;
            }
        }
    }

    /// <summary>Reads fields and records problems against one document.</summary>
    private sealed class Context(string file, string prefix, List<CatalogProblem> problems)
    {
        public bool Failed { get; private set; }

        public void Problem(YamlNode node, string field, string message, string? value = null)
        {
            Failed = true;
            problems.Add(new CatalogProblem(file, (int)node.Start.Line, (int)node.Start.Column, prefix + field, message, value));
        }

        public YamlNode? Node(YamlMappingNode mapping, string key) =>
            mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

        public string? String(YamlMappingNode mapping, string key, string parent, bool required)
        {
            var field = parent.Length == 0 ? key : $"{parent}.{key}";
            var node = Node(mapping, key);
            if (node is null || node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or "~" or "null" })
            {
                if (required)
                {
                    Problem(node ?? mapping, field, $"'{field}' is required");
                }

                return null;
            }

            if (node is not YamlScalarNode scalar)
            {
                Problem(node, field, $"'{field}' must be a string, not a {(node is YamlSequenceNode ? "list" : "mapping")}");
                return null;
            }

            if (scalar.Style == ScalarStyle.Plain && scalar.Value is { } raw && YamlScalars.IsNonString(raw))
            {
                Problem(node, field, $"'{field}' must be a string, but YAML reads {raw} as a {YamlScalars.Describe(raw)}; quote it: \"{raw}\"");
                return null;
            }

            if (required && string.IsNullOrWhiteSpace(scalar.Value))
            {
                Problem(node, field, $"'{field}' must not be empty");
                return null;
            }

            return scalar.Value;
        }

        public string? Reference(YamlMappingNode mapping, string key, string parent, string defaultKind, bool required)
        {
            var value = String(mapping, key, parent, required);
            if (value is not null && BackstageRules.CheckEntityRef(value, defaultKind) is { } problem)
            {
                Problem(Node(mapping, key)!, $"{parent}.{key}", problem);
            }

            return value;
        }

        public void References(YamlMappingNode mapping, string key, string parent, string defaultKind, IList<string> into)
        {
            var values = StringList(mapping, key, parent);
            for (var i = 0; i < values.Count; i++)
            {
                if (BackstageRules.CheckEntityRef(values[i].Value, defaultKind) is { } problem)
                {
                    Problem(values[i].Node, $"{parent}.{key}[{i}]", problem);
                }

                into.Add(values[i].Value);
            }
        }

        public YamlMappingNode? Mapping(YamlMappingNode mapping, string key, string parent, bool required)
        {
            var field = parent.Length == 0 ? key : $"{parent}.{key}";
            var node = Node(mapping, key);
            switch (node)
            {
                case YamlMappingNode found:
                    return found;
                case null:
                    if (required)
                    {
                        Problem(mapping, field, $"'{field}' is required");
                    }

                    return null;
                default:
                    Problem(node, field, $"'{field}' must be a mapping");
                    return null;
            }
        }

        public YamlSequenceNode? Sequence(YamlMappingNode mapping, string key, string parent)
        {
            var node = Node(mapping, key);
            if (node is null or YamlScalarNode { Value: "" or "~" or "null" })
            {
                return null;
            }

            if (node is YamlSequenceNode sequence)
            {
                return sequence;
            }

            Problem(node, $"{parent}.{key}", $"'{parent}.{key}' must be a list");
            return null;
        }

        public List<(string Value, YamlNode Node)> StringList(YamlMappingNode mapping, string key, string parent)
        {
            var result = new List<(string, YamlNode)>();
            if (Sequence(mapping, key, parent) is not { } sequence)
            {
                return result;
            }

            for (var i = 0; i < sequence.Children.Count; i++)
            {
                if (sequence.Children[i] is YamlScalarNode { Value: { } value })
                {
                    result.Add((value, sequence.Children[i]));
                }
                else
                {
                    Problem(sequence.Children[i], $"{parent}.{key}[{i}]", $"'{parent}.{key}[{i}]' must be a string");
                }
            }

            return result;
        }

        public List<(string Key, string Value, YamlNode KeyNode)> StringMap(YamlMappingNode mapping, string key, string parent)
        {
            var result = new List<(string, string, YamlNode)>();
            var node = Mapping(mapping, key, parent, required: false);
            if (node is null)
            {
                return result;
            }

            foreach (var (k, v) in node.Children)
            {
                if (k is YamlScalarNode { Value: { } name } && v is YamlScalarNode { Value: { } value })
                {
                    result.Add((name, value, k));
                }
                else
                {
                    Problem(k, $"{parent}.{key}", $"'{parent}.{key}' must map strings to strings");
                }
            }

            return result;
        }
    }
}
