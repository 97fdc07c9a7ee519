using GoldenPath.Platform.Data;
using GoldenPath.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace GoldenPath.Platform.Tests.Replicas;

/// <summary>
/// Replicas of a Deployment start at the same moment (a first install, a rollout of a version with a migration): they
/// migrate the database once, between them, and all come up.
/// </summary>
[Collection(ReplicaDatabase.Name)]
public sealed class SimultaneousStartTests(PostgreSqlContainerFixture postgres)
{
    private const int Replicas = 3;

    [Fact]
    public async Task ThreeReplicasStartingTogetherOnAnEmptyDatabaseMigrateItOnceAndAllComeUp()
    {
        var database = await Replica.CreateDatabaseAsync(await postgres.GetConnectionStringAsync());

        var replicas = await Replica.StartReadyAsync(Replicas, database);
        try
        {
            await AssertMigratedOnceAsync(database, replicas);
        }
        finally
        {
            await Replica.DisposeAllAsync(replicas);
        }
    }

    [Fact]
    public async Task ThreeReplicasOfANewVersionStartingTogetherOnAnOlderDatabaseUpgradeItOnceAndAllComeUp()
    {
        var database = await Replica.CreateDatabaseAsync(await postgres.GetConnectionStringAsync());
        await using (var db = new PostgresPlatformDbContext(new DbContextOptionsBuilder<PostgresPlatformDbContext>().UseNpgsql(database).Options))
        {
            await db.GetService<IMigrator>().MigrateAsync(db.Database.GetMigrations().First(), Replica.Ct);
        }

        var replicas = await Replica.StartReadyAsync(Replicas, database);
        try
        {
            await AssertMigratedOnceAsync(database, replicas);
        }
        finally
        {
            await Replica.DisposeAllAsync(replicas);
        }
    }

    private static async Task AssertMigratedOnceAsync(string database, ServiceProcess[] replicas)
    {
        int migrations;
        await using (var db = new PostgresPlatformDbContext(new DbContextOptionsBuilder<PostgresPlatformDbContext>().UseNpgsql(database).Options))
        {
            migrations = db.Database.GetMigrations().Count();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(Replica.Ct));
        }

        Assert.Equal(migrations, await Replica.CountAsync(database, "SELECT count(*) FROM \"__EFMigrationsHistory\""));
        Assert.Equal(migrations, await Replica.CountAsync(database, "SELECT count(DISTINCT \"MigrationId\") FROM \"__EFMigrationsHistory\""));
        var migrating = replicas.Where(r => Replica.Lines(r, "Applied migrations to the") > 0).ToList();
        Assert.True(migrating.Count == 1, $"{migrating.Count} replicas applied migrations; exactly one should have.\n{string.Join("\n---\n", replicas.Select(r => r.ToString()))}");
        Assert.All(replicas, r => Assert.False(r.HasExited, $"A replica exited.\n{r}"));
    }
}
