namespace GoldenPath.Catalog;

/// <summary>
/// Who a service is. It comes from the service's <c>catalog-info.yaml</c> (a Backstage Component) and feeds
/// the OpenTelemetry resource, the logs, the registration with the platform, the Kubernetes labels and the
/// Backstage feed.
/// </summary>
/// <param name="Name">The service name (<see cref="ServiceName"/> rule); <c>metadata.name</c>.</param>
/// <param name="Owner">The owning team (a Backstage Group); <c>spec.owner</c>.</param>
/// <param name="System">The system the service belongs to; <c>spec.system</c>, the owner when not set. It is the OpenTelemetry <c>service.namespace</c>.</param>
/// <param name="Lifecycle">The lifecycle: <c>experimental</c>, <c>production</c> or <c>deprecated</c>; <c>spec.lifecycle</c>.</param>
/// <param name="Description">What the service does, in a sentence; <c>metadata.description</c>.</param>
internal sealed record ServiceIdentity(string Name, string Owner, string System, string Lifecycle, string? Description)
{
    /// <summary>Builds the identity of a Component entity.</summary>
    /// <param name="component">The component read from <c>catalog-info.yaml</c>.</param>
    /// <returns>The identity.</returns>
    public static ServiceIdentity FromComponent(ComponentEntity component)
    {
        ArgumentNullException.ThrowIfNull(component);
        var owner = EntityRef.Parse(component.Spec.Owner, "group").Name;
        var system = component.Spec.System is { Length: > 0 } s ? EntityRef.Parse(s, "system").Name : owner;
        return new ServiceIdentity(component.Metadata.Name, owner, system, component.Spec.Lifecycle, component.Metadata.Description);
    }
}
