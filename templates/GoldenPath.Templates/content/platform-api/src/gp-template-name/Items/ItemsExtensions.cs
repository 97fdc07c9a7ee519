namespace GpTemplateNamespace.Items;

/// <summary>The items feature's services.</summary>
public static class ItemsExtensions
{
#if (usePostgres)
    /// <summary>The connection string name of the database (ConnectionStrings:db; the app host's database resource).</summary>
    public const string DatabaseName = "db";

#endif
#if (useRedis)
    /// <summary>The connection string name of the cache (ConnectionStrings:cache; the app host's Redis resource).</summary>
    public const string CacheName = "cache";

#endif
    public static IHostApplicationBuilder AddItems(this IHostApplicationBuilder builder)
    {
#if (usePostgres)
        // Readiness comes from the golden path's time-bounded check; Aspire's own check is turned off.
        builder.AddNpgsqlDataSource(DatabaseName, settings => settings.DisableHealthChecks = true);
        builder.AddGoldenPathPostgresReadiness(DatabaseName);
        builder.Services.AddSingleton<PostgresItemStore>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PostgresItemStore>());
#else
        builder.Services.AddSingleton<InMemoryItemStore>();
#endif
#if (useRedis)
        builder.AddRedisClient(CacheName, settings => settings.DisableHealthChecks = true);
        builder.AddGoldenPathRedisReadiness(CacheName);
#if (usePostgres)
        builder.Services.AddSingleton<IItemStore>(services => ActivatorUtilities.CreateInstance<CachedItemStore>(services, services.GetRequiredService<PostgresItemStore>()));
#else
        builder.Services.AddSingleton<IItemStore>(services => ActivatorUtilities.CreateInstance<CachedItemStore>(services, services.GetRequiredService<InMemoryItemStore>()));
#endif
#elif (usePostgres)
        builder.Services.AddSingleton<IItemStore>(services => services.GetRequiredService<PostgresItemStore>());
#else
        builder.Services.AddSingleton<IItemStore>(services => services.GetRequiredService<InMemoryItemStore>());
#endif
        return builder;
    }
}
