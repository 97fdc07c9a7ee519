using GoldenPath.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Readiness checks for the dependencies golden-path services use most.</summary>
public static class GoldenPathReadinessExtensions
{
    /// <summary>
    /// Adds a readiness check (tag <c>ready</c>) that runs <c>SELECT 1</c> against the PostgreSQL database of
    /// the connection string <paramref name="connectionName"/> (<c>ConnectionStrings:{name}</c>), named
    /// <c>postgres-{name}</c>. It never affects liveness.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="connectionName">The connection string's name.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddGoldenPathPostgresReadiness<TBuilder>(this TBuilder builder, string connectionName)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        builder.Services.AddHealthChecks().AddNpgSql(
            sp => RequireConnectionString(sp, connectionName),
            name: $"postgres-{connectionName}",
            tags: [GoldenPathHealthTags.Ready]);
        return builder;
    }

    /// <summary>
    /// Adds a readiness check (tag <c>ready</c>) that pings the Redis server of the connection string
    /// <paramref name="connectionName"/>, named <c>redis-{name}</c>. It never affects liveness.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="connectionName">The connection string's name.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddGoldenPathRedisReadiness<TBuilder>(this TBuilder builder, string connectionName)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        builder.Services.AddHealthChecks().AddRedis(
            sp => RequireConnectionString(sp, connectionName),
            name: $"redis-{connectionName}",
            tags: [GoldenPathHealthTags.Ready]);
        return builder;
    }

    private static string RequireConnectionString(IServiceProvider services, string name) =>
        services.GetRequiredService<IConfiguration>().GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"The readiness check for '{name}' found no connection string: set ConnectionStrings:{name} (ConnectionStrings__{name} as an environment variable).");
}
