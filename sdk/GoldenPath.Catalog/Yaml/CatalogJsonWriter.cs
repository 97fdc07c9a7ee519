using System.Text.Json.Nodes;

namespace GoldenPath.Catalog;

/// <summary>
/// Writes entities in Backstage's JSON form (what its catalog API returns and entity providers emit), with
/// the same fields and omissions as <see cref="CatalogInfoWriter"/>.
/// </summary>
public static class CatalogJsonWriter
{
    /// <summary>Converts an entity to a JSON object.</summary>
    /// <param name="entity">The entity.</param>
    /// <returns>The JSON object.</returns>
    public static JsonObject ToJson(CatalogEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var spec = new JsonObject();
        AddFields(spec, KindSchema.Of(entity).Fields, entity);

        var metadata = new JsonObject { ["name"] = entity.Metadata.Name };
        Add(metadata, "namespace", entity.Metadata.Namespace);
        Add(metadata, "title", entity.Metadata.Title);
        Add(metadata, "description", entity.Metadata.Description);
        Add(metadata, "labels", entity.Metadata.Labels);
        Add(metadata, "annotations", entity.Metadata.Annotations);
        Add(metadata, "tags", entity.Metadata.Tags);
        if (entity.Metadata.Links.Count > 0)
        {
            metadata["links"] = new JsonArray([.. entity.Metadata.Links.Select(link =>
            {
                var node = new JsonObject { ["url"] = link.Url };
                Add(node, "title", link.Title);
                Add(node, "icon", link.Icon);
                Add(node, "type", link.Type);
                return (JsonNode?)node;
            })]);
        }

        return new JsonObject
        {
            ["apiVersion"] = entity.ApiVersion,
            ["kind"] = entity.Kind,
            ["metadata"] = metadata,
            ["spec"] = spec,
        };
    }

    private static void AddFields(JsonObject node, IReadOnlyList<SpecField> fields, CatalogEntity entity)
    {
        foreach (var field in fields.Where(f => f.HasValue(entity)))
        {
            switch (field.Shape)
            {
                case SpecFieldShape.References:
                    node[field.Name] = new JsonArray([.. field.Items(entity).Select(v => (JsonNode?)JsonValue.Create(v))]);
                    break;
                case SpecFieldShape.Mapping:
                    var nested = new JsonObject();
                    AddFields(nested, field.Fields, entity);
                    node[field.Name] = nested;
                    break;
                default:
                    node[field.Name] = field.Get(entity);
                    break;
            }
        }
    }

    private static void Add(JsonObject node, string key, string? value)
    {
        if (value is not null)
        {
            node[key] = value;
        }
    }

    private static void Add(JsonObject node, string key, ICollection<string> values)
    {
        if (values.Count > 0)
        {
            node[key] = new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
        }
    }

    private static void Add(JsonObject node, string key, IDictionary<string, string> values)
    {
        if (values.Count > 0)
        {
            var map = new JsonObject();
            foreach (var (k, v) in values)
            {
                map[k] = v;
            }

            node[key] = map;
        }
    }
}
