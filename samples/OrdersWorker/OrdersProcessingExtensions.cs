namespace OrdersWorker;

/// <summary>The worker's dependencies and its one endpoint besides the probes.</summary>
internal static class OrdersProcessingExtensions
{
    public const string DatabaseName = "orders";
    public const string CacheName = "cache";

    public static IHostApplicationBuilder AddOrdersProcessing(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource(DatabaseName, settings => settings.DisableHealthChecks = true);
        builder.AddRedisClient(CacheName, settings => settings.DisableHealthChecks = true);
        builder.AddGoldenPathPostgresReadiness(DatabaseName);
        builder.AddGoldenPathRedisReadiness(CacheName);
        builder.Services.AddSingleton<OrderStore>();
        builder.Services.AddSingleton<OrdersMetrics>();
        // The consumer group is the service's name (orders-worker), one consumer per instance.
        builder.Services.AddRedisStreamConsumer<OrderPlacedHandler>(options =>
        {
            options.Stream = OrderPlacedHandler.StreamKey;
            options.IsTransient = IsTransientDatabaseError;
        });
        return builder;
    }

    /// <summary>
    /// Every PostgreSQL error is the database's, not the order's (a read-only server after a failover, 25006; a missing
    /// privilege, 42501; a missing table, 42P01; a dropped connection), except data errors the event itself causes
    /// (SQLSTATE classes 22, data exception, and 23, integrity constraint violation): those count as failed deliveries
    /// and dead-letter the event after MaxDeliveries. A database error is retried without counting a delivery, but only
    /// MaxTransientRetries (10) times in a row per event: one that lasts longer (about 2.5 minutes per delivery) counts.
    /// </summary>
    internal static bool IsTransientDatabaseError(Exception exception) =>
        exception is Npgsql.NpgsqlException and not Npgsql.PostgresException { SqlState: ['2', '2' or '3', ..] };

    public static IEndpointRouteBuilder MapOrdersLookup(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/orders/{id:guid}", async (Guid id, OrderStore store, CancellationToken ct) =>
            await store.FindAsync(id, ct) is { } order
                ? Results.Ok(order)
                : Results.Problem($"Order '{id}' has not been recorded (yet).", statusCode: StatusCodes.Status404NotFound, title: "Not found"));
        return endpoints;
    }
}
