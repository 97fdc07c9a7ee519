namespace GoldenPath.ServiceDefaults;

/// <summary>
/// The resolved identity of the running instance: what the telemetry resource, the JSON logs, the
/// registration and <c>/.well-known/service-info</c> say about it. Registered as a singleton.
/// </summary>
/// <param name="Name">The service name (<c>service.name</c>).</param>
/// <param name="Owner">The owning team.</param>
/// <param name="System">The system (<c>service.namespace</c>).</param>
/// <param name="Lifecycle">The lifecycle.</param>
/// <param name="Description">The description.</param>
/// <param name="Version">The version (<c>service.version</c>).</param>
/// <param name="Commit">The source commit, when known.</param>
/// <param name="Environment">The deployment environment (<c>deployment.environment.name</c>).</param>
/// <param name="InstanceId">The instance id (<c>service.instance.id</c>).</param>
/// <param name="SdkVersion">The GoldenPath.ServiceDefaults version.</param>
public sealed record ServiceInfo(
    string Name,
    string Owner,
    string System,
    string Lifecycle,
    string? Description,
    string Version,
    string? Commit,
    string Environment,
    string InstanceId,
    string SdkVersion)
{
    /// <summary>Gets the template the service's repository was made from (<c>.goldenpath.json</c>, embedded at build), when known.</summary>
    public string? Template { get; init; }

    /// <summary>Gets the template pack version the repository is at (<c>.goldenpath.json</c>, embedded at build), when known.</summary>
    public string? TemplateVersion { get; init; }

    /// <summary>Gets where the service's source is (<c>backstage.io/source-location</c> in <c>catalog-info.yaml</c>, embedded at build), when known.</summary>
    public string? SourceLocation { get; init; }

    /// <summary>Gets where its TechDocs are (<c>backstage.io/techdocs-ref</c>, given with a source location), when known.</summary>
    public string? TechDocsRef { get; init; }
}
