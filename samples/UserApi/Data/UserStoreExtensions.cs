using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace UserApi.Data;

/// <summary>PostgreSQL (users) and Redis (cache, order events) for the service, with their readiness checks and traces.</summary>
internal static class UserStoreExtensions
{
    public const string DatabaseName = "users";
    public const string CacheName = "cache";

    public static IHostApplicationBuilder AddUserStore(this IHostApplicationBuilder builder)
    {
        // The Aspire client integrations bring tracing; readiness comes from the golden path's checks.
        builder.AddNpgsqlDbContext<UsersDbContext>(DatabaseName, settings => settings.DisableHealthChecks = true);
        builder.AddRedisClient(CacheName, settings => settings.DisableHealthChecks = true);
        builder.AddGoldenPathPostgresReadiness(DatabaseName);
        builder.AddGoldenPathRedisReadiness(CacheName);
        builder.Services.AddSingleton<Users.UserCache>();
        builder.Services.AddSingleton<Users.OrderEvents>();
        return builder;
    }

    public static async Task MigrateUserStoreAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<UsersDbContext>();

        // Creating the history table first keeps EF from logging a failed query for it on a fresh database.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync();
        await db.Database.MigrateAsync();
    }
}
