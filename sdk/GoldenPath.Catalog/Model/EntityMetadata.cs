namespace GoldenPath.Catalog;

/// <summary>The <c>metadata</c> block every Backstage entity has.</summary>
public sealed class EntityMetadata
{
    /// <summary>Gets or sets the entity name, unique per kind and namespace.</summary>
    public required string Name { get; set; }

    /// <summary>Gets or sets the namespace; Backstage's <c>default</c> when not set.</summary>
    public string? Namespace { get; set; }

    /// <summary>Gets or sets a display name.</summary>
    public string? Title { get; set; }

    /// <summary>Gets or sets a one-line description.</summary>
    public string? Description { get; set; }

    /// <summary>Gets the labels (Kubernetes-style keys and values).</summary>
    public IDictionary<string, string> Labels { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the annotations (Kubernetes-style keys, any value).</summary>
    public IDictionary<string, string> Annotations { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the tags (lowercase words joined by '-').</summary>
    public IList<string> Tags { get; init; } = [];

    /// <summary>Gets the links shown on the entity's page.</summary>
    public IList<EntityLink> Links { get; init; } = [];
}
