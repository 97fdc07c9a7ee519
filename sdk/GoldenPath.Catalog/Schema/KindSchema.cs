namespace GoldenPath.Catalog;

/// <summary>
/// The one description of each Backstage kind GoldenPath reads and writes: how to make an entity of it and the fields of
/// its <c>spec</c>, in the order they are written. <see cref="CatalogInfoReader"/>, <see cref="CatalogInfoWriter"/> and
/// <see cref="CatalogJsonWriter"/> all go through it.
/// </summary>
internal sealed class KindSchema
{
    private KindSchema(string kind, Func<EntityMetadata, CatalogEntity> create, params SpecField[] fields) =>
        (Kind, Create, Fields) = (kind, create, fields);

    public string Kind { get; }

    /// <summary>Makes an entity of the kind with an empty spec, for the reader to fill in.</summary>
    public Func<EntityMetadata, CatalogEntity> Create { get; }

    public IReadOnlyList<SpecField> Fields { get; }

    public static IReadOnlyList<KindSchema> All { get; } =
    [
        new("Component", metadata => new ComponentEntity { Metadata = metadata, Spec = new ComponentSpec { Type = "", Lifecycle = "", Owner = "" } },
            SpecField.Text<ComponentEntity>("type", e => e.Spec.Type, (e, v) => e.Spec.Type = v!, required: true),
            SpecField.Text<ComponentEntity>("lifecycle", e => e.Spec.Lifecycle, (e, v) => e.Spec.Lifecycle = v!, required: true),
            SpecField.Reference<ComponentEntity>("owner", "group", e => e.Spec.Owner, (e, v) => e.Spec.Owner = v!, required: true),
            SpecField.Reference<ComponentEntity>("system", "system", e => e.Spec.System, (e, v) => e.Spec.System = v),
            SpecField.Reference<ComponentEntity>("subcomponentOf", "component", e => e.Spec.SubcomponentOf, (e, v) => e.Spec.SubcomponentOf = v),
            SpecField.References<ComponentEntity>("providesApis", "api", e => e.Spec.ProvidesApis),
            SpecField.References<ComponentEntity>("consumesApis", "api", e => e.Spec.ConsumesApis),
            SpecField.References<ComponentEntity>("dependsOn", "component", e => e.Spec.DependsOn)),
        new("API", metadata => new ApiEntity { Metadata = metadata, Spec = new ApiSpec { Type = "", Lifecycle = "", Owner = "", Definition = "" } },
            SpecField.Text<ApiEntity>("type", e => e.Spec.Type, (e, v) => e.Spec.Type = v!, required: true),
            SpecField.Text<ApiEntity>("lifecycle", e => e.Spec.Lifecycle, (e, v) => e.Spec.Lifecycle = v!, required: true),
            SpecField.Reference<ApiEntity>("owner", "group", e => e.Spec.Owner, (e, v) => e.Spec.Owner = v!, required: true),
            SpecField.Reference<ApiEntity>("system", "system", e => e.Spec.System, (e, v) => e.Spec.System = v),
            SpecField.Text<ApiEntity>("definition", e => e.Spec.Definition, (e, v) => e.Spec.Definition = v!, required: true, block: true)),
        new("Resource", metadata => new ResourceEntity { Metadata = metadata, Spec = new ResourceSpec { Type = "", Owner = "" } },
            SpecField.Text<ResourceEntity>("type", e => e.Spec.Type, (e, v) => e.Spec.Type = v!, required: true),
            SpecField.Reference<ResourceEntity>("owner", "group", e => e.Spec.Owner, (e, v) => e.Spec.Owner = v!, required: true),
            SpecField.Reference<ResourceEntity>("system", "system", e => e.Spec.System, (e, v) => e.Spec.System = v),
            SpecField.References<ResourceEntity>("dependsOn", "resource", e => e.Spec.DependsOn)),
        new("System", metadata => new SystemEntity { Metadata = metadata, Spec = new SystemSpec { Owner = "" } },
            SpecField.Reference<SystemEntity>("owner", "group", e => e.Spec.Owner, (e, v) => e.Spec.Owner = v!, required: true),
            SpecField.Reference<SystemEntity>("domain", "domain", e => e.Spec.Domain, (e, v) => e.Spec.Domain = v)),
        new("Group", metadata => new GroupEntity { Metadata = metadata, Spec = new GroupSpec { Type = "" } },
            SpecField.Text<GroupEntity>("type", e => e.Spec.Type, (e, v) => e.Spec.Type = v!, required: true),
            SpecField.Mapping("profile",
                SpecField.Text<GroupEntity>("displayName", e => e.Spec.DisplayName, (e, v) => e.Spec.DisplayName = v),
                SpecField.Text<GroupEntity>("email", e => e.Spec.Email, (e, v) => e.Spec.Email = v)),
            SpecField.Reference<GroupEntity>("parent", "group", e => e.Spec.Parent, (e, v) => e.Spec.Parent = v),
            SpecField.References<GroupEntity>("children", "group", e => e.Spec.Children, required: true),
            SpecField.References<GroupEntity>("members", "user", e => e.Spec.Members)),
    ];

    /// <summary>The names of the kinds, for messages.</summary>
    public static string KindNames { get; } = string.Join(", ", All.Select(k => k.Kind).SkipLast(1)) + " or " + All[^1].Kind;

    /// <summary>The kind of that name (kinds are case-sensitive), or null.</summary>
    public static KindSchema? For(string kind) => All.FirstOrDefault(k => string.Equals(k.Kind, kind, StringComparison.Ordinal));

    /// <summary>The kind of an entity.</summary>
    public static KindSchema Of(CatalogEntity entity) =>
        For(entity.Kind) ?? throw new NotSupportedException($"Cannot write an entity of kind '{entity.Kind}' ({entity.GetType().Name}); GoldenPath writes {KindNames}.");
}
