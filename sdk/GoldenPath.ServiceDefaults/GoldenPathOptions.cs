namespace GoldenPath.ServiceDefaults;

/// <summary>
/// Everything <c>AddGoldenPath()</c> does, bound from the <c>GoldenPath</c> configuration section
/// (<c>GoldenPath__Platform__Url</c> as an environment variable) and validated at start-up.
/// Every behaviour has an opt-out flag.
/// </summary>
public sealed class GoldenPathOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "GoldenPath";

    /// <summary>Gets the service's identity overrides (<c>GoldenPath:Service</c>).</summary>
    public ServiceIdentityOptions Service { get; init; } = new();

    /// <summary>Gets the logging settings (<c>GoldenPath:Logging</c>).</summary>
    public GoldenPathLoggingOptions Logging { get; init; } = new();

    /// <summary>Gets the OpenTelemetry settings (<c>GoldenPath:Telemetry</c>).</summary>
    public GoldenPathTelemetryOptions Telemetry { get; init; } = new();

    /// <summary>Gets the health endpoint settings (<c>GoldenPath:Health</c>).</summary>
    public GoldenPathHealthOptions Health { get; init; } = new();

    /// <summary>Gets the platform registration settings (<c>GoldenPath:Platform</c>).</summary>
    public PlatformRegistrationOptions Platform { get; init; } = new();

    /// <summary>Gets the HTTP client settings (<c>GoldenPath:Http</c>).</summary>
    public GoldenPathHttpOptions Http { get; init; } = new();

    /// <summary>Gets or sets whether <c>/.well-known/service-info</c> is not mapped.</summary>
    public bool DisableServiceInfo { get; set; }

    /// <summary>Gets or sets whether the ProblemDetails exception handler is not added.</summary>
    public bool DisableExceptionHandler { get; set; }
}

/// <summary>
/// Run-time overrides of the identity embedded from <c>catalog-info.yaml</c>. <c>OTEL_RESOURCE_ATTRIBUTES</c>
/// and <c>OTEL_SERVICE_NAME</c> override these in turn, as OpenTelemetry specifies.
/// </summary>
public sealed class ServiceIdentityOptions
{
    /// <summary>Gets or sets the service name.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the owning team.</summary>
    public string? Owner { get; set; }

    /// <summary>Gets or sets the system (<c>service.namespace</c>).</summary>
    public string? System { get; set; }

    /// <summary>Gets or sets the lifecycle.</summary>
    public string? Lifecycle { get; set; }

    /// <summary>Gets or sets the description.</summary>
    public string? Description { get; set; }

    /// <summary>Gets or sets the version; the entry assembly's informational version when not set.</summary>
    public string? Version { get; set; }

    /// <summary>Gets or sets the source commit; taken from the informational version's <c>+commit</c> suffix when not set.</summary>
    public string? Commit { get; set; }

    /// <summary>Gets or sets the deployment environment (<c>deployment.environment.name</c>); the host environment's name, lower case, when not set.</summary>
    public string? Environment { get; set; }

    /// <summary>Gets or sets the instance id (<c>service.instance.id</c>); a new UUID per process when not set. Kubernetes manifests set it to the pod name.</summary>
    public string? InstanceId { get; set; }
}

/// <summary>Logging settings.</summary>
public sealed class GoldenPathLoggingOptions
{
    /// <summary>Gets or sets the console format: <c>auto</c> (JSON outside Development, readable text in Development), <c>json</c> or <c>text</c>.</summary>
    public string Format { get; set; } = "auto";

    /// <summary>Gets or sets whether the console logging is left as the host configured it.</summary>
    public bool DisableConsoleFormatting { get; set; }

    /// <summary>Gets or sets whether classified data is written unredacted (never do this in production).</summary>
    public bool DisableRedaction { get; set; }
}

/// <summary>OpenTelemetry settings. <c>OTEL_*</c> variables win over these, as the specification says.</summary>
public sealed class GoldenPathTelemetryOptions
{
    /// <summary>Gets or sets whether traces are not collected.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>Gets or sets whether metrics are not collected.</summary>
    public bool DisableMetrics { get; set; }

    /// <summary>Gets or sets whether log records are not exported through OpenTelemetry.</summary>
    public bool DisableLogExport { get; set; }

    /// <summary>
    /// Gets or sets whether every metric stream keeps OpenTelemetry's default cardinality limit (2,000 tag sets). By
    /// default the instruments whose tags take a few known values (the runtime's, Kestrel's connection counters, the
    /// memory pool's, <c>http.server.active_requests</c> and GoldenPath's own) get a stream sized for them, which saves
    /// ~5 MiB allocated at start-up; a
    /// view of your own for one of those instruments would add a second stream beside it, so set this when you add one.
    /// </summary>
    public bool DisableMetricStreamSizing { get; set; }

    /// <summary>
    /// Gets or sets the share of traces started by this service that are recorded and exported, from 0 to 1. A request
    /// that arrives as part of a sampled trace is always recorded (parent-based), so traces stay whole. By default 1 in
    /// Development and 0.1 elsewhere: exporting every span made a busy service spend about a tenth more CPU per request
    /// than exporting one in ten (see bench/results.md), and ten percent of the requests of a service with any load are plenty to find a slow
    /// path; keep errors whole with tail sampling in the collector. <c>OTEL_TRACES_SAMPLER</c> (and
    /// <c>OTEL_TRACES_SAMPLER_ARG</c>), when set, win over this.
    /// </summary>
    public double? TraceSampleRatio { get; set; }

    /// <summary>Gets the additional <c>ActivitySource</c> names to collect (the service's own name is always collected).</summary>
    public IList<string> Sources { get; init; } = [];

    /// <summary>Gets the additional <c>Meter</c> names to collect.</summary>
    public IList<string> Meters { get; init; } = [];

    /// <summary>Gets or sets how long the last telemetry may take to flush when the service stops, so that a collector that does not answer cannot hold the shutdown.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>Health endpoint settings.</summary>
public sealed class GoldenPathHealthOptions
{
    /// <summary>Gets or sets whether the health endpoints are not mapped.</summary>
    public bool Disable { get; set; }

    /// <summary>Gets or sets the liveness path: the process only, never its dependencies.</summary>
    public string LivePath { get; set; } = "/health/live";

    /// <summary>Gets or sets the readiness path: the checks tagged <c>ready</c>.</summary>
    public string ReadyPath { get; set; } = "/health/ready";

    /// <summary>Gets or sets the start-up path: the checks tagged <c>startup</c>.</summary>
    public string StartupPath { get; set; } = "/health/startup";

    /// <summary>Gets or sets the path of the report of every check, for people and dashboards (not for probes).</summary>
    public string AllPath { get; set; } = "/health";

    /// <summary>Gets or sets how long one check may take before it counts as unhealthy, for checks that set no timeout of their own.</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long a result is reused, so that frequent probes do not hammer dependencies; zero turns caching off.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Registration with the GoldenPath platform (<c>GoldenPath:Platform</c>). Registration runs only when <see cref="Url"/> is set.</summary>
public sealed class PlatformRegistrationOptions
{
    /// <summary>Gets or sets the platform's base URL, e.g. <c>https://platform.example.com</c> (or <c>http://platform</c> with service discovery).</summary>
    public Uri? Url { get; set; }

    /// <summary>Gets or sets the bearer token: a token of the service's team with scope <c>instances:write</c> (the platform refuses admin tokens here). Keep it in a secret store, not in appsettings.</summary>
    public string? Token { get; set; }

    /// <summary>Gets or sets whether registration is off even when <see cref="Url"/> is set.</summary>
    public bool DisableRegistration { get; set; }

    /// <summary>Gets or sets the heartbeat interval; the platform forgets an instance after three missed heartbeats.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the first retry delay after a failure; it doubles on each failure, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest retry delay; when not set, the heartbeat interval, so that a platform that comes back sees the instance within two intervals.</summary>
    public TimeSpan? MaxRetryDelay { get; set; }

    /// <summary>
    /// Gets or sets how long, at most, the first registration waits after the server has started for the instance's
    /// first answer to a readiness or start-up probe, so that the registration's first call (its HTTP connection, JSON
    /// and code) is not work on the start path; it goes out right after that answer, or after this long when no probe
    /// comes (<see cref="TimeSpan.Zero"/>: at once). A host without the golden path's health endpoints (a worker) does not wait.
    /// </summary>
    public TimeSpan MaxFirstRegistrationDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how long one call to the platform may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the URL other services reach this instance at, when the listening addresses are not it (behind a proxy, in a pod).</summary>
    public Uri? AdvertisedUrl { get; set; }
}

/// <summary>HTTP client defaults.</summary>
public sealed class GoldenPathHttpOptions
{
    /// <summary>Gets or sets whether the standard resilience handler is not added to every HttpClient.</summary>
    public bool DisableResilience { get; set; }

    /// <summary>Gets or sets whether service discovery is not added to every HttpClient.</summary>
    public bool DisableServiceDiscovery { get; set; }
}
