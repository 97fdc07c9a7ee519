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
        builder.Services.AddRedisStreamConsumer<OrderPlacedHandler>(options => options.Stream = OrderPlacedHandler.StreamKey);
        return builder;
    }

    public static IEndpointRouteBuilder MapOrdersLookup(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/orders/{id:guid}", async (Guid id, OrderStore store, CancellationToken ct) =>
            await store.FindAsync(id, ct) is { } order
                ? Results.Ok(order)
                : Results.Problem($"Order '{id}' has not been recorded (yet).", statusCode: StatusCodes.Status404NotFound, title: "Not found"));
        return endpoints;
    }
}
