using GoldenPath.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace GoldenPath.Platform.Data;

/// <summary>
/// Chooses the store: PostgreSQL when <c>ConnectionStrings:platform</c> is set, otherwise SQLite in a file under
/// the data folder, so that <c>dotnet run</c> alone works. Pending migrations are applied at start-up. Contexts are
/// pooled: setting one up per request was a tenth of a heartbeat's cost.
/// </summary>
internal static partial class PlatformStorageExtensions
{
    public const string ConnectionName = "platform";

    public static IHostApplicationBuilder AddPlatformStorage(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var npgsqlConnection = new NpgsqlConnectionStringBuilder(connectionString);
            var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
            if (!given.Keys.Cast<string>().Any(k => k.Replace(" ", "", StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)))
            {
                // Heartbeats and catalog reads are a handful of statements run thousands of times a second: prepared,
                // PostgreSQL parses and plans each once per connection. Set "Max Auto Prepare=0" to turn it off.
                npgsqlConnection.MaxAutoPrepare = 32;
            }

            builder.Services.AddDbContextPool<PlatformDbContext, PostgresPlatformDbContext>(options =>
                options.UseNpgsql(npgsqlConnection.ConnectionString, npgsql => npgsql.EnableRetryOnFailure(3)));
            // Replicas share this store; their caches hear of each other's changes through LISTEN/NOTIFY. Whether that
            // connection still delivers is a matter of real seconds, whatever clock the domain runs on.
            builder.Services.AddSingleton(services => new PostgresCacheInvalidation(connectionString,
                TimeProvider.System, services.GetRequiredService<ILogger<PostgresCacheInvalidation>>()));
            builder.Services.AddSingleton<Domain.CacheInvalidation>(services => services.GetRequiredService<PostgresCacheInvalidation>());
            builder.Services.AddHostedService(services => services.GetRequiredService<PostgresCacheInvalidation>());
            // The periodic jobs run on one replica at a time: the holder of an advisory lock that frees itself when it dies.
            builder.Services.AddSingleton<Domain.BackgroundJobLease>(services => new PostgresBackgroundJobLease(connectionString,
                services.GetRequiredService<ILogger<PostgresBackgroundJobLease>>()));
        }
        else
        {
            var directory = builder.Configuration[$"{PlatformOptions.SectionName}:DataDirectory"] is { Length: > 0 } configured
                ? Path.GetFullPath(configured, builder.Environment.ContentRootPath)
                : Path.Combine(builder.Environment.ContentRootPath, "data");
            Directory.CreateDirectory(directory);
            var file = Path.Combine(directory, "platform.db");
            builder.Services.AddDbContextPool<PlatformDbContext, SqlitePlatformDbContext>(options => options.UseSqlite($"Data Source={file};Pooling=True"));
            // SQLite is one process: there is no other replica to tell.
            builder.Services.AddSingleton<Domain.CacheInvalidation, Domain.LocalCacheInvalidation>();
            builder.Services.AddSingleton<Domain.BackgroundJobLease, Domain.LocalBackgroundJobLease>();
        }

        // One instance for every probe: it remembers a query still waiting on a server that does not answer.
        builder.Services.AddSingleton<StoreHealthCheck>();
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [GoldenPathHealthTags.Ready]);
        return builder;
    }

    public static async Task MigratePlatformStoreAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PlatformOptions>>().Value;
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        var logger = app.Services.GetRequiredService<ILogger<PlatformDbContext>>();
        if (options.MigrateOnStartup)
        {
            // Replicas start together: the first to take the lock migrates, the others wait for it and find nothing
            // pending. The lock is a session's, so a replica that dies mid-migration frees it for the next.
            await using var migrating = db.Database.IsNpgsql()
                ? await PostgresAdvisoryLock.AcquireAsync(db.Database.GetConnectionString()!, PostgresAdvisoryLock.Migrations, app.Lifetime.ApplicationStopping)
                : null;

            // Creating the history table first keeps EF from logging a failed query for it on a fresh database.
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync();
            var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
            await db.Database.MigrateAsync();
            if (pending.Count > 0)
            {
                Log.Migrated(logger, db.Database.ProviderName ?? "?", string.Join(", ", pending));
            }

            // Deployments recorded before the DORA read model existed (or written into the store by hand) get their facts,
            // under the migration lock, as a data migration would. A store migrated by other means gets them from the
            // periodic background job (PurgeService).
            var backfilled = await new Domain.DoraFacts(db).BackfillAsync(app.Lifetime.ApplicationStopping);
            if (backfilled > 0)
            {
                Log.Backfilled(logger, backfilled);
            }
        }

        if (db.Database.IsSqlite())
        {
            // Readers do not block the writer (heartbeats) and vice versa.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2001, LogLevel.Information, "Applied migrations to the {Provider} store: {Migrations}.")]
        public static partial void Migrated(ILogger logger, string provider, string migrations);

        [LoggerMessage(2002, LogLevel.Information, "Wrote the DORA facts of the deployments of {Services} services that had none.")]
        public static partial void Backfilled(ILogger logger, int services);
    }
}
