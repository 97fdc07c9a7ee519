using Aspire.Hosting.ApplicationModel;
using GoldenPath.Catalog;
using GoldenPath.Hosting;

namespace Aspire.Hosting;

/// <summary>The golden path in an Aspire app host: the platform, golden-path services, and PostgreSQL and Redis from configurable images.</summary>
public static class GoldenPathDistributedApplicationBuilderExtensions
{
    /// <summary>The environment variable a service reads the platform's URL from.</summary>
    public const string PlatformUrlVariable = GoldenPathConfigurationKeys.PlatformUrl;

    /// <summary>The environment variable a service reads its platform token from.</summary>
    public const string PlatformTokenVariable = GoldenPathConfigurationKeys.PlatformToken;

    /// <summary>
    /// Adds the GoldenPath platform: the project, its own PostgreSQL server and database (from the configured
    /// image), a generated admin token (a secret parameter, <c>{name}-admin-token</c>), anonymous reads when run locally
    /// (not when published), and <c>/health/ready</c> as its health check.
    /// </summary>
    /// <typeparam name="TProject">The platform project (<c>Projects.GoldenPath_Platform</c>).</typeparam>
    /// <param name="builder">The app host builder.</param>
    /// <param name="name">The resource name.</param>
    /// <returns>The platform resource.</returns>
    public static IResourceBuilder<ProjectResource> AddGoldenPathPlatform<TProject>(this IDistributedApplicationBuilder builder, string name = "platform")
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        var token = builder.AddParameter($"{name}-admin-token", new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true);
        var database = builder.AddGoldenPathPostgres($"{name}-postgres").AddDatabase($"{name}-db", databaseName: "platform");
        GoldenPathKubernetesPublishing.EnsureRegistered(builder);
        var platform = EnsureHttpEndpoint(builder.AddProject<TProject>(name));
        platform
            .WithAnnotation(new GoldenPathPlatformAnnotation(token))
            .WithAnnotation(new GoldenPathPlatformTokens(platform.Resource, token.Resource))
            .WithAnnotation(new GoldenPathWorkloadAnnotation { External = true })
            .WithReference(database, connectionName: "platform")
            .WaitFor(database)
            .WithEnvironment(GoldenPathConfigurationKeys.PlatformBootstrapToken, token)
            .WithEnvironment(context =>
            {
                // Anonymous reads are for the local stack only, never for a published platform.
                if (context.ExecutionContext.IsRunMode)
                {
                    context.EnvironmentVariables[GoldenPathConfigurationKeys.PlatformAnonymousRead] = "true";
                }
            })
            .WithHttpHealthCheck("/health/ready");

        // Services wired before the platform was added wait for it too.
        foreach (var service in builder.Resources.Where(r => r.Annotations.OfType<GoldenPathServiceAnnotation>().Any()).ToList())
        {
            WaitForPlatform(builder, service, platform.Resource);
        }

        return platform;
    }

    /// <summary>Adds a PostgreSQL server from the configured image (<c>GoldenPath:Images:Postgres</c>).</summary>
    /// <param name="builder">The app host builder.</param>
    /// <param name="name">The resource name.</param>
    /// <returns>The server resource.</returns>
    public static IResourceBuilder<PostgresServerResource> AddGoldenPathPostgres(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddPostgres(name).WithGoldenPathImage("Postgres");

    /// <summary>Adds a Redis server from the configured image (<c>GoldenPath:Images:Redis</c>).</summary>
    /// <param name="builder">The app host builder.</param>
    /// <param name="name">The resource name.</param>
    /// <returns>The server resource.</returns>
    public static IResourceBuilder<RedisResource> AddGoldenPathRedis(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddRedis(name).WithGoldenPathImage("Redis");

    /// <summary>Adds a golden-path service project, wired to the app host's platform, added before or after it (see <see cref="WithGoldenPath"/>).</summary>
    /// <typeparam name="TProject">The service project.</typeparam>
    /// <param name="builder">The app host builder.</param>
    /// <param name="name">The resource name: the service's name in its catalog-info.yaml, since Aspire sets <c>OTEL_SERVICE_NAME</c> to it.</param>
    /// <returns>The service resource.</returns>
    public static IResourceBuilder<ProjectResource> AddGoldenPathService<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddProject<TProject>(name).WithGoldenPath();
    }

    /// <summary>
    /// Wires a service to the golden path: the platform's URL and a token of the service's own team (when the app host
    /// has a platform, added before or after the service), a short heartbeat for local use, <c>/health/ready</c> as the health check the dashboard and
    /// <c>WaitFor</c> use, and the default workload settings for publishing.
    /// </summary>
    /// <remarks>
    /// The token is never the platform's admin token. Run locally, the service waits for the platform, and the app host
    /// creates one token per team (the owner in the service's <c>catalog-info.yaml</c>) with scope <c>instances:write</c>
    /// and passes it at start. Once the service is ready, the app host reports its start to the platform as a deployment
    /// (the environment and version its instance registered with, the commit of <c>git</c> HEAD), with a token of the
    /// team that holds <c>deployments:write</c> alone and that the service never sees. Published, the service reads it from the Secret <c>goldenpath-platform-token-{team}</c>
    /// (listed in <c>SECRETS.md</c>).
    /// </remarks>
    /// <param name="service">The service resource.</param>
    /// <returns>The resource, for chaining.</returns>
    public static IResourceBuilder<ProjectResource> WithGoldenPath(this IResourceBuilder<ProjectResource> service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (service.Resource.Annotations.OfType<GoldenPathServiceAnnotation>().Any())
        {
            return service;
        }

        var builder = service.ApplicationBuilder;
        service.WithAnnotation(new GoldenPathServiceAnnotation())
            .WithEnvironment(async context =>
            {
                // Read when the environment is: the platform may be added after the service.
                if (FindPlatform(builder) is not { } platform)
                {
                    return;
                }

                context.EnvironmentVariables[PlatformUrlVariable] = platform.GetEndpoint("http");
                if (builder.ExecutionContext.IsPublishMode)
                {
                    // A deployed service keeps the package's default heartbeat, and reads its team's token from a Secret
                    // (the publish step references it).
                    return;
                }

                context.EnvironmentVariables[GoldenPathConfigurationKeys.PlatformHeartbeatInterval] = builder.Configuration["GoldenPath:Hosting:HeartbeatInterval"] ?? "00:00:10";
                if (context.ExecutionContext.IsRunMode)
                {
                    var identity = await GoldenPathServiceIdentity.ReadAsync(service.Resource, context.CancellationToken).ConfigureAwait(false);
                    var tokens = platform.Annotations.OfType<GoldenPathPlatformTokens>().Single();
                    context.EnvironmentVariables[PlatformTokenVariable] = await tokens.GetAsync(identity.Owner, context.CancellationToken).ConfigureAwait(false);
                }
            });
        if (FindPlatform(builder) is { } existing)
        {
            WaitForPlatform(builder, service.Resource, existing);
        }

        GoldenPathKubernetesPublishing.EnsureRegistered(service.ApplicationBuilder);
        GoldenPathLocalDeployments.Register(service, () => FindPlatform(builder));

        if (!service.Resource.Annotations.OfType<GoldenPathWorkloadAnnotation>().Any())
        {
            service.WithAnnotation(new GoldenPathWorkloadAnnotation());
        }

        return EnsureHttpEndpoint(service).WithHttpHealthCheck("/health/ready");
    }

    private static ProjectResource? FindPlatform(IDistributedApplicationBuilder builder) =>
        builder.Resources.OfType<ProjectResource>().FirstOrDefault(r => r.Annotations.OfType<GoldenPathPlatformAnnotation>().Any());

    /// <summary>Run locally, a service starts once the platform answers (its team's token is created then).</summary>
    private static void WaitForPlatform(IDistributedApplicationBuilder builder, IResource service, ProjectResource platform)
    {
        if (!builder.ExecutionContext.IsPublishMode && service is IResourceWithWaitSupport waiting)
        {
            builder.CreateResourceBuilder(waiting).WaitFor(builder.CreateResourceBuilder(platform));
        }
    }

    /// <summary>Golden-path services always answer HTTP probes: a project without an http(s) endpoint in its launch settings gets one.</summary>
    private static IResourceBuilder<ProjectResource> EnsureHttpEndpoint(IResourceBuilder<ProjectResource> project) =>
        project.Resource.Annotations.OfType<EndpointAnnotation>().Any(e => e.Name is "http" or "https") ? project : project.WithHttpEndpoint();

    /// <summary>Sets the service's golden-path workload settings for publishing.</summary>
    /// <param name="service">The service resource.</param>
    /// <param name="configure">Changes the settings.</param>
    /// <returns>The resource, for chaining.</returns>
    public static IResourceBuilder<ProjectResource> WithGoldenPathWorkload(this IResourceBuilder<ProjectResource> service, Action<GoldenPathWorkloadAnnotation> configure)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(configure);
        var annotation = service.Resource.Annotations.OfType<GoldenPathWorkloadAnnotation>().FirstOrDefault();
        if (annotation is null)
        {
            annotation = new GoldenPathWorkloadAnnotation();
            service.WithAnnotation(annotation);
        }

        configure(annotation);
        return service;
    }
}
