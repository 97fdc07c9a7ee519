namespace GoldenPath.Catalog;

/// <summary>
/// A Backstage catalog entity of one of the kinds the golden path uses: <see cref="ComponentEntity"/>,
/// <see cref="ApiEntity"/>, <see cref="ResourceEntity"/>, <see cref="SystemEntity"/> and <see cref="GroupEntity"/>.
/// </summary>
public abstract class CatalogEntity
{
    /// <summary>The API version GoldenPath writes.</summary>
    public const string DefaultApiVersion = "backstage.io/v1alpha1";

    /// <summary>Gets or sets the entity's API version: <c>backstage.io/v1alpha1</c> or <c>backstage.io/v1beta1</c>.</summary>
    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>Gets the kind: Component, API, Resource, System or Group.</summary>
    public abstract string Kind { get; }

    /// <summary>Gets or sets the metadata.</summary>
    public required EntityMetadata Metadata { get; set; }

    /// <summary>Gets the reference to this entity, e.g. <c>component:default/orders-api</c>.</summary>
    public EntityRef Ref => new(Kind.ToLowerInvariant(), Metadata.Namespace ?? EntityRef.DefaultNamespace, Metadata.Name);
}

/// <summary>A piece of software: a service, a website, a library.</summary>
public sealed class ComponentEntity : CatalogEntity
{
    /// <inheritdoc />
    public override string Kind => "Component";

    /// <summary>Gets or sets the spec.</summary>
    public required ComponentSpec Spec { get; set; }
}

/// <summary>The spec of a <see cref="ComponentEntity"/>.</summary>
public sealed class ComponentSpec
{
    /// <summary>Gets or sets the type: <c>service</c>, <c>website</c>, <c>library</c>, ...</summary>
    public required string Type { get; set; }

    /// <summary>Gets or sets the lifecycle: <c>experimental</c>, <c>production</c>, <c>deprecated</c>.</summary>
    public required string Lifecycle { get; set; }

    /// <summary>Gets or sets the owner, a reference to a Group (or User).</summary>
    public required string Owner { get; set; }

    /// <summary>Gets or sets the system the component belongs to.</summary>
    public string? System { get; set; }

    /// <summary>Gets or sets the component this one is part of.</summary>
    public string? SubcomponentOf { get; set; }

    /// <summary>Gets the APIs the component provides.</summary>
    public IList<string> ProvidesApis { get; init; } = [];

    /// <summary>Gets the APIs the component consumes.</summary>
    public IList<string> ConsumesApis { get; init; } = [];

    /// <summary>Gets the components and resources the component depends on (e.g. <c>resource:orders-db</c>).</summary>
    public IList<string> DependsOn { get; init; } = [];
}

/// <summary>An interface a component provides.</summary>
public sealed class ApiEntity : CatalogEntity
{
    /// <inheritdoc />
    public override string Kind => "API";

    /// <summary>Gets or sets the spec.</summary>
    public required ApiSpec Spec { get; set; }
}

/// <summary>The spec of an <see cref="ApiEntity"/>.</summary>
public sealed class ApiSpec
{
    /// <summary>Gets or sets the type: <c>openapi</c>, <c>asyncapi</c>, <c>graphql</c>, <c>grpc</c>.</summary>
    public required string Type { get; set; }

    /// <summary>Gets or sets the lifecycle.</summary>
    public required string Lifecycle { get; set; }

    /// <summary>Gets or sets the owner.</summary>
    public required string Owner { get; set; }

    /// <summary>Gets or sets the definition (the document itself, or a <c>$text</c> reference).</summary>
    public required string Definition { get; set; }

    /// <summary>Gets or sets the system.</summary>
    public string? System { get; set; }
}

/// <summary>Infrastructure a component needs at run time: a database, a cache, a bucket.</summary>
public sealed class ResourceEntity : CatalogEntity
{
    /// <inheritdoc />
    public override string Kind => "Resource";

    /// <summary>Gets or sets the spec.</summary>
    public required ResourceSpec Spec { get; set; }
}

/// <summary>The spec of a <see cref="ResourceEntity"/>.</summary>
public sealed class ResourceSpec
{
    /// <summary>Gets or sets the type: <c>database</c>, <c>cache</c>, <c>s3-bucket</c>, ...</summary>
    public required string Type { get; set; }

    /// <summary>Gets or sets the owner.</summary>
    public required string Owner { get; set; }

    /// <summary>Gets or sets the system.</summary>
    public string? System { get; set; }

    /// <summary>Gets what the resource depends on.</summary>
    public IList<string> DependsOn { get; init; } = [];
}

/// <summary>A collection of components, APIs and resources that together expose a capability.</summary>
public sealed class SystemEntity : CatalogEntity
{
    /// <inheritdoc />
    public override string Kind => "System";

    /// <summary>Gets or sets the spec.</summary>
    public required SystemSpec Spec { get; set; }
}

/// <summary>The spec of a <see cref="SystemEntity"/>.</summary>
public sealed class SystemSpec
{
    /// <summary>Gets or sets the owner.</summary>
    public required string Owner { get; set; }

    /// <summary>Gets or sets the domain.</summary>
    public string? Domain { get; set; }
}

/// <summary>A team or another organisational unit.</summary>
public sealed class GroupEntity : CatalogEntity
{
    /// <inheritdoc />
    public override string Kind => "Group";

    /// <summary>Gets or sets the spec.</summary>
    public required GroupSpec Spec { get; set; }
}

/// <summary>The spec of a <see cref="GroupEntity"/>.</summary>
public sealed class GroupSpec
{
    /// <summary>Gets or sets the type: <c>team</c>, <c>business-unit</c>, ...</summary>
    public required string Type { get; set; }

    /// <summary>Gets or sets the parent group.</summary>
    public string? Parent { get; set; }

    /// <summary>Gets or sets the display name shown in Backstage (<c>spec.profile.displayName</c>).</summary>
    public string? DisplayName { get; set; }

    /// <summary>Gets or sets the contact address (<c>spec.profile.email</c>).</summary>
    public string? Email { get; set; }

    /// <summary>Gets the child groups (required by Backstage, may be empty).</summary>
    public IList<string> Children { get; init; } = [];

    /// <summary>Gets the members (user references).</summary>
    public IList<string> Members { get; init; } = [];
}
