namespace GoldenPath.Catalog.Contracts;

/// <summary>The body of <c>PUT /api/v1/services/{name}</c>: the catalog entry of a service.</summary>
/// <param name="Owner">The owning team.</param>
/// <param name="Lifecycle"><c>experimental</c>, <c>production</c> or <c>deprecated</c>.</param>
/// <param name="System">The system; the owner when not set.</param>
/// <param name="Type">The Backstage component type; <c>service</c> when not set.</param>
/// <param name="Description">What the service does.</param>
/// <param name="Tags">Backstage tags.</param>
/// <param name="Links">Links shown in the catalog.</param>
/// <param name="ProvidesApis">APIs the service provides.</param>
/// <param name="ConsumesApis">APIs the service consumes.</param>
/// <param name="DependsOn">What the service needs at run time.</param>
/// <param name="ApiDefinitions">Definitions of the APIs it provides (OpenAPI, AsyncAPI, ...), published as Backstage API entities.</param>
/// <param name="SourceLocation">
/// Where the service's source is, an absolute http(s) URL (e.g. <c>https://github.com/acme/orders/tree/main/</c>):
/// Backstage's <c>backstage.io/source-location</c>.
/// </param>
/// <param name="TechDocsRef">
/// Where its TechDocs (<c>mkdocs.yml</c>) are: <c>dir:</c> and a folder relative to <paramref name="SourceLocation"/>
/// (<c>dir:.</c> for the templates' layout), or <c>url:</c> and an absolute http(s) URL. Backstage's <c>backstage.io/techdocs-ref</c>.
/// </param>
/// <param name="Template">The template the service was made from, e.g. <c>platform-api</c>.</param>
/// <param name="TemplateVersion">The version of the template pack it was made from, e.g. <c>1.4.0</c>.</param>
public sealed record ServiceUpsertRequest(
    string Owner,
    string Lifecycle,
    string? System = null,
    string? Type = null,
    string? Description = null,
    IReadOnlyList<string>? Tags = null,
    IReadOnlyList<EntityLink>? Links = null,
    IReadOnlyList<string>? ProvidesApis = null,
    IReadOnlyList<string>? ConsumesApis = null,
    IReadOnlyList<ServiceDependency>? DependsOn = null,
    IReadOnlyList<ApiDefinition>? ApiDefinitions = null,
    string? SourceLocation = null,
    string? TechDocsRef = null,
    string? Template = null,
    string? TemplateVersion = null);

/// <summary>An API a service provides, with its definition.</summary>
/// <param name="Name">The API's name (a valid entity name), e.g. <c>orders-api</c>.</param>
/// <param name="Type"><c>openapi</c>, <c>asyncapi</c>, <c>graphql</c> or <c>grpc</c>.</param>
/// <param name="Definition">The definition document itself.</param>
public sealed record ApiDefinition(string Name, string Type, string Definition);

/// <summary>Something a service needs at run time: a database, a cache, another service.</summary>
/// <param name="Name">The dependency's name: the connection string's name, or the other service's name.</param>
/// <param name="Kind">What it is: <c>postgres</c>, <c>redis</c>, <c>service</c>, <c>http</c> or <c>unknown</c>.</param>
public sealed record ServiceDependency(string Name, string Kind);

/// <summary>A service in the catalog, with its live instances.</summary>
/// <param name="Name">The service name.</param>
/// <param name="Owner">The owning team.</param>
/// <param name="System">The system.</param>
/// <param name="Lifecycle">The lifecycle.</param>
/// <param name="Type">The component type.</param>
/// <param name="Description">What the service does.</param>
/// <param name="Tags">Tags.</param>
/// <param name="Links">Links.</param>
/// <param name="ProvidesApis">Provided APIs.</param>
/// <param name="ConsumesApis">Consumed APIs.</param>
/// <param name="DependsOn">Run-time dependencies.</param>
/// <param name="ApiDefinitions">Definitions of provided APIs.</param>
/// <param name="Instances">The live instances (not expired).</param>
/// <param name="CreatedAt">When the entry was first written.</param>
/// <param name="UpdatedAt">When the entry was last written.</param>
/// <param name="SourceLocation">Where its source is.</param>
/// <param name="TechDocsRef">Where its TechDocs are, as it was given.</param>
/// <param name="Template">The template it was made from.</param>
/// <param name="TemplateVersion">The template pack's version it was made from.</param>
public sealed record ServiceDescription(
    string Name,
    string Owner,
    string System,
    string Lifecycle,
    string Type,
    string? Description,
    IReadOnlyList<string> Tags,
    IReadOnlyList<EntityLink> Links,
    IReadOnlyList<string> ProvidesApis,
    IReadOnlyList<string> ConsumesApis,
    IReadOnlyList<ServiceDependency> DependsOn,
    IReadOnlyList<ApiDefinition> ApiDefinitions,
    IReadOnlyList<ServiceInstance> Instances,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? SourceLocation = null,
    string? TechDocsRef = null,
    string? Template = null,
    string? TemplateVersion = null);

/// <summary>The body of <c>PUT /api/v1/services/{name}/instances/{instanceId}</c>: a registration or heartbeat.</summary>
/// <param name="Version">The running version.</param>
/// <param name="Environment">The deployment environment (<c>deployment.environment.name</c>).</param>
/// <param name="SdkVersion">The GoldenPath.ServiceDefaults version the service runs with.</param>
/// <param name="Endpoints">The addresses the instance listens on.</param>
/// <param name="Health">Where its health endpoints are.</param>
/// <param name="Dependencies">The dependencies inferred from its configured connection strings.</param>
/// <param name="Commit">The source commit, when known.</param>
/// <param name="Status">The instance's last readiness: <c>Healthy</c>, <c>Degraded</c> or <c>Unhealthy</c>.</param>
/// <param name="StartedAt">When the instance started.</param>
/// <param name="TelemetryConfigured">Whether the instance exports OpenTelemetry data (an OTLP endpoint is configured).</param>
/// <param name="Service">
/// The service's identity from its <c>catalog-info.yaml</c>. When the service is not in the catalog yet, the platform
/// creates its entry from it (for a token of the owning team); an existing entry is never changed by a registration.
/// </param>
/// <param name="Template">The template the service's repository was made from (<c>.goldenpath.json</c>), e.g. <c>platform-api</c>.</param>
/// <param name="TemplateVersion">The template pack version the repository is at (<c>.goldenpath.json</c>).</param>
public sealed record InstanceRegistration(
    string Version,
    string Environment,
    string SdkVersion,
    IReadOnlyList<string> Endpoints,
    InstanceHealthUrls Health,
    IReadOnlyList<ServiceDependency> Dependencies,
    string? Commit = null,
    string? Status = null,
    DateTimeOffset? StartedAt = null,
    bool TelemetryConfigured = false,
    RegisteringService? Service = null,
    string? Template = null,
    string? TemplateVersion = null);

/// <summary>
/// The identity a registering instance states for its service, from its <c>catalog-info.yaml</c>: what the platform
/// needs to create the catalog entry of a service it does not know yet.
/// </summary>
/// <param name="Owner">The owning team; it must be the team of the registering token.</param>
/// <param name="Lifecycle"><c>experimental</c>, <c>production</c> or <c>deprecated</c>.</param>
/// <param name="System">The system; the owner when not set.</param>
/// <param name="Description">What the service does.</param>
/// <param name="SourceLocation">Where its source is (<c>backstage.io/source-location</c> without <c>url:</c>).</param>
/// <param name="TechDocsRef">Where its TechDocs are (<c>backstage.io/techdocs-ref</c>), relative to <paramref name="SourceLocation"/>.</param>
public sealed record RegisteringService(string Owner, string Lifecycle, string? System = null, string? Description = null, string? SourceLocation = null, string? TechDocsRef = null);

/// <summary>The absolute URLs of an instance's health endpoints.</summary>
/// <param name="Live">Liveness.</param>
/// <param name="Ready">Readiness.</param>
/// <param name="Startup">Start-up.</param>
public sealed record InstanceHealthUrls(string? Live, string? Ready, string? Startup);

/// <summary>A registered instance of a service.</summary>
/// <param name="InstanceId">The instance id (<c>service.instance.id</c>).</param>
/// <param name="Version">The running version.</param>
/// <param name="Environment">The deployment environment.</param>
/// <param name="SdkVersion">The GoldenPath.ServiceDefaults version.</param>
/// <param name="Endpoints">The addresses it listens on.</param>
/// <param name="Health">Its health endpoints.</param>
/// <param name="Dependencies">Its dependencies.</param>
/// <param name="Commit">The source commit.</param>
/// <param name="Status">Its last reported readiness.</param>
/// <param name="TelemetryConfigured">Whether it exports OpenTelemetry data.</param>
/// <param name="RegisteredAt">When it first registered.</param>
/// <param name="LastHeartbeatAt">When it last sent a heartbeat.</param>
/// <param name="ExpiresAt">When the platform forgets it unless it sends another heartbeat.</param>
/// <param name="Template">The template its repository was made from, when it says.</param>
/// <param name="TemplateVersion">The template pack version its repository is at, when it says.</param>
public sealed record ServiceInstance(
    string InstanceId,
    string Version,
    string Environment,
    string SdkVersion,
    IReadOnlyList<string> Endpoints,
    InstanceHealthUrls Health,
    IReadOnlyList<ServiceDependency> Dependencies,
    string? Commit,
    string? Status,
    bool TelemetryConfigured,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastHeartbeatAt,
    DateTimeOffset ExpiresAt,
    string? Template = null,
    string? TemplateVersion = null);

/// <summary>An RFC 7807 problem, as the platform returns it for every error.</summary>
/// <param name="Type">A URI that identifies the problem type.</param>
/// <param name="Title">A short summary.</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Detail">What went wrong in this case, and how to fix it.</param>
/// <param name="Instance">The request path.</param>
/// <param name="Errors">Validation errors per field.</param>
public sealed record PlatformProblem(
    string? Type,
    string? Title,
    int? Status,
    string? Detail,
    string? Instance = null,
    IReadOnlyDictionary<string, string[]>? Errors = null);
