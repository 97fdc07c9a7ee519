namespace GpTemplateNamespace.Work;

/// <summary>The worker's services and its one endpoint besides the probes.</summary>
public static class WorkExtensions
{
#if (usePostgres)
    /// <summary>The connection string name of the database (ConnectionStrings:db; the app host's database resource).</summary>
    public const string DatabaseName = "db";

#endif
#if (useRedis)
    /// <summary>The connection string name of Redis (ConnectionStrings:cache; the app host's Redis resource).</summary>
    public const string CacheName = "cache";

#endif
    public static IHostApplicationBuilder AddWork(this IHostApplicationBuilder builder)
    {
#if (usePostgres)
        // Readiness comes from the golden path's time-bounded check; Aspire's own check is turned off.
        builder.AddNpgsqlDataSource(DatabaseName, settings => settings.DisableHealthChecks = true);
        builder.AddGoldenPathPostgresReadiness(DatabaseName);
        builder.Services.AddSingleton<PostgresWorkLedger>();
        builder.Services.AddSingleton<IWorkLedger>(services => services.GetRequiredService<PostgresWorkLedger>());
        builder.Services.AddHostedService(services => services.GetRequiredService<PostgresWorkLedger>());
#else
        builder.Services.AddSingleton<IWorkLedger, InMemoryWorkLedger>();
#endif
        builder.Services.AddSingleton<WorkProcessor>();
#if (useRedis)
        builder.AddRedisClient(CacheName, settings => settings.DisableHealthChecks = true);
        builder.AddGoldenPathRedisReadiness(CacheName);
        var stream = builder.Configuration.GetValue("Worker:Stream", StreamWork.DefaultStream)!;
        // Consumer group: the service's name; dead letters: {stream}:dead-letter; the other options keep their defaults.
#if (usePostgres)
        builder.Services.AddRedisStreamConsumer<StreamWork>(options =>
        {
            options.Stream = stream;
            // A PostgreSQL error is the database's (a read-only server after a failover, a missing privilege or table, a
            // dropped connection): retried without counting a delivery, except data errors the entry itself causes
            // (SQLSTATE classes 22 and 23), which count and dead-letter it after MaxDeliveries.
            options.IsTransient = exception => exception is Npgsql.NpgsqlException and not Npgsql.PostgresException { SqlState: ['2', '2' or '3', ..] };
        });
#else
        builder.Services.AddRedisStreamConsumer<StreamWork>(options => options.Stream = stream);
#endif
#else
        builder.Services.AddHostedService<ScheduledWork>();
#endif
        return builder;
    }

    public static IEndpointRouteBuilder MapWorkStatus(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/work/status", async (IWorkLedger ledger, CancellationToken ct) => TypedResults.Ok(await ledger.GetStatusAsync(ct)));
        return endpoints;
    }
}
