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
        switch (entity)
        {
            case ComponentEntity c:
                Add(spec, "type", c.Spec.Type);
                Add(spec, "lifecycle", c.Spec.Lifecycle);
                Add(spec, "owner", c.Spec.Owner);
                Add(spec, "system", c.Spec.System);
                Add(spec, "subcomponentOf", c.Spec.SubcomponentOf);
                Add(spec, "providesApis", c.Spec.ProvidesApis);
                Add(spec, "consumesApis", c.Spec.ConsumesApis);
                Add(spec, "dependsOn", c.Spec.DependsOn);
                break;
            case ApiEntity a:
                Add(spec, "type", a.Spec.Type);
                Add(spec, "lifecycle", a.Spec.Lifecycle);
                Add(spec, "owner", a.Spec.Owner);
                Add(spec, "system", a.Spec.System);
                Add(spec, "definition", a.Spec.Definition);
                break;
            case ResourceEntity r:
                Add(spec, "type", r.Spec.Type);
                Add(spec, "owner", r.Spec.Owner);
                Add(spec, "system", r.Spec.System);
                Add(spec, "dependsOn", r.Spec.DependsOn);
                break;
            case SystemEntity s:
                Add(spec, "owner", s.Spec.Owner);
                Add(spec, "domain", s.Spec.Domain);
                break;
            case GroupEntity g:
                Add(spec, "type", g.Spec.Type);
                if (g.Spec.DisplayName is not null || g.Spec.Email is not null)
                {
                    var profile = new JsonObject();
                    Add(profile, "displayName", g.Spec.DisplayName);
                    Add(profile, "email", g.Spec.Email);
                    spec["profile"] = profile;
                }

                Add(spec, "parent", g.Spec.Parent);
                spec["children"] = new JsonArray([.. g.Spec.Children.Select(v => (JsonNode?)JsonValue.Create(v))]);
                Add(spec, "members", g.Spec.Members);
                break;
            default:
                throw new NotSupportedException($"Cannot write an entity of kind '{entity.Kind}' ({entity.GetType().Name}).");
        }

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
