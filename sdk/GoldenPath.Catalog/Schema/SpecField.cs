namespace GoldenPath.Catalog;

/// <summary>What a field of an entity's <c>spec</c> holds, and so how it is read and written.</summary>
internal enum SpecFieldShape
{
    /// <summary>A string.</summary>
    Text,

    /// <summary>An entity reference, <c>[kind:][namespace/]name</c>.</summary>
    Reference,

    /// <summary>A list of entity references.</summary>
    References,

    /// <summary>A mapping of further fields (a Group's <c>profile</c>).</summary>
    Mapping,
}

/// <summary>
/// One field of a kind's <c>spec</c>: its name, shape and rules, and where its value lives on the model. The reader and
/// both writers go through the same fields, so a field added here is read, validated and written alike.
/// </summary>
internal sealed class SpecField
{
    private SpecField(string name, SpecFieldShape shape) => (Name, Shape) = (name, shape);

    public string Name { get; }

    public SpecFieldShape Shape { get; }

    /// <summary>Whether the field must be present: a non-empty string, or for a list the key itself (<c>[]</c> when empty, and written so).</summary>
    public bool Required { get; private init; }

    /// <summary>The kind a reference without one means, e.g. <c>group</c> for an owner.</summary>
    public string DefaultKind { get; private init; } = "";

    /// <summary>Whether a value of several lines is written as a YAML literal block (an API's definition).</summary>
    public bool Block { get; private init; }

    public Func<CatalogEntity, string?> Get { get; private init; } = _ => null;

    public Action<CatalogEntity, string?> Set { get; private init; } = (_, _) => { };

    public Func<CatalogEntity, IList<string>> Items { get; private init; } = _ => [];

    public IReadOnlyList<SpecField> Fields { get; private init; } = [];

    public static SpecField Text<T>(string name, Func<T, string?> get, Action<T, string?> set, bool required = false, bool block = false)
        where T : CatalogEntity => new(name, SpecFieldShape.Text)
        {
            Required = required,
            Block = block,
            Get = entity => get((T)entity),
            Set = (entity, value) => set((T)entity, required ? value ?? "" : value),
        };

    public static SpecField Reference<T>(string name, string defaultKind, Func<T, string?> get, Action<T, string?> set, bool required = false)
        where T : CatalogEntity => new(name, SpecFieldShape.Reference)
        {
            Required = required,
            DefaultKind = defaultKind,
            Get = entity => get((T)entity),
            Set = (entity, value) => set((T)entity, required ? value ?? "" : value),
        };

    public static SpecField References<T>(string name, string defaultKind, Func<T, IList<string>> items, bool required = false)
        where T : CatalogEntity => new(name, SpecFieldShape.References)
        {
            Required = required,
            DefaultKind = defaultKind,
            Items = entity => items((T)entity),
        };

    public static SpecField Mapping(string name, params SpecField[] fields) => new(name, SpecFieldShape.Mapping) { Fields = fields };

    /// <summary>Whether the field has something to write for <paramref name="entity"/>.</summary>
    public bool HasValue(CatalogEntity entity) => Shape switch
    {
        SpecFieldShape.Text or SpecFieldShape.Reference => Get(entity) is not null,
        SpecFieldShape.References => Required || Items(entity).Count > 0,
        _ => Fields.Any(f => f.HasValue(entity)),
    };
}
