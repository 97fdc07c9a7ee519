using System.Diagnostics.CodeAnalysis;
using GoldenPath.Streams.Redis;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Redis stream consumers.</summary>
public static class RedisStreamConsumerServiceCollectionExtensions
{
    /// <summary>
    /// Adds a background consumer of one Redis stream that hands each entry to <typeparamref name="THandler"/> (added as
    /// a scoped service). Needs an <c>IConnectionMultiplexer</c> (e.g. <c>builder.AddRedisClient("cache")</c>) and, for
    /// the default group and consumer names, <c>builder.AddGoldenPath()</c>.
    /// </summary>
    /// <typeparam name="THandler">The handler; one consumer per handler type.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the stream and, where the defaults do not fit, the other options.</param>
    /// <returns>The services, for chaining.</returns>
    /// <example>
    /// <code>
    /// builder.Services.AddRedisStreamConsumer&lt;OrderPlacedHandler&gt;(options => options.Stream = "orders");
    /// </code>
    /// </example>
    public static IServiceCollection AddRedisStreamConsumer<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services, Action<RedisStreamConsumerOptions> configure)
        where THandler : class, IRedisStreamHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var name = typeof(THandler).FullName ?? typeof(THandler).Name;
        services.AddOptions<RedisStreamConsumerOptions>(name).Configure(configure);
        services.AddScoped<THandler>();
        services.AddHostedService(provider => new RedisStreamConsumer<THandler>(provider, name));
        // Exported with the service's own telemetry (when the golden path's metrics and tracing are on).
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(RedisStreamTelemetry.Name));
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(RedisStreamTelemetry.Name));
        return services;
    }
}
