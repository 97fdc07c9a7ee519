using System.Net;
using System.Net.Http.Json;
using GoldenPath.Catalog.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>A store written by the first release, upgraded: what tenants had keeps its owner. Run on SQLite and PostgreSQL.</summary>
public abstract class StoreMigrationTests(IPlatformStore store)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 31, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnUpgradedStoreGivesACollidingNamespaceAndASystemToTheTeamThatHadThemFirst()
    {
        await using var platform = (await store.StartAsync(new FakeTimeProvider(Now), new() { ["GoldenPath:Platform:MigrateOnStartup"] = "false" })).App;
        await platform.QueryAsync(async db =>
        {
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync(db.Database.GetMigrations().First(), Ct);
            object At(int day) => db.Database.IsSqlite()
                ? new DateTimeOffsetToBinaryConverter().ConvertToProvider(Now.AddDays(-day))!
                : Now.AddDays(-day);

            foreach (var (team, environment, day) in new[] { ("team-pay-eu", "prod", 9), ("team-pay", "eu-prod", 5), ("team-pay", "dev", 5) })
            {
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO environments ("Team", "Environment", "Cpu", "Memory", "Pods", "CostCenter", "Group", "CreatedAt", "UpdatedAt")
                    VALUES ({team}, {environment}, '4', '8Gi', 50, NULL, {"team-" + team}, {At(day)}, {At(day)})
                    """, Ct);
            }

            foreach (var (name, owner, day) in new[] { ("cart", "team-a", 8), ("dummy-1", "team-b", 3), ("dummy-2", "team-b", 2), ("dummy-3", "team-b", 1) })
            {
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO services ("Name", "Owner", "System", "Lifecycle", "Type", "Description", "Tags", "Links", "ProvidesApis", "ConsumesApis", "DependsOn", "ApiDefinitions", "CreatedAt", "UpdatedAt")
                    VALUES ({name}, {owner}, 'checkout', 'production', 'service', NULL, '[]', '[]', '[]', '[]', '[]', '[]', {At(day)}, {At(day)})
                    """, Ct);
            }

            await migrator.MigrateAsync(cancellationToken: Ct);
            return 0;
        });

        var namespaces = await platform.QueryAsync(db => db.Environments.OrderBy(e => e.Team).ThenBy(e => e.Environment).Select(e => new { e.Team, e.Environment, e.Namespace }).ToListAsync(Ct));
        var owner = await platform.QueryAsync(db => db.Systems.Where(s => s.Name == "checkout").Select(s => s.Owner).SingleAsync(Ct));
        var client = platform.Client(await platform.TokenAsync("team-pay", "catalog:write"));
        using var collision = await client.PostAsJsonAsync("/api/v1/environments", new EnvironmentRequest("team-pay", "eu-prod", "4", "8Gi"), PlatformJsonContext.Default.EnvironmentRequest, Ct);
        using var own = await client.PostAsJsonAsync("/api/v1/environments", new EnvironmentRequest("team-pay", "dev", "2", "4Gi"), PlatformJsonContext.Default.EnvironmentRequest, Ct);
        using var legacy = await client.GetAsync("/api/v1/environments/team-pay/eu-prod", Ct);

        Assert.Equal(
            [new { Team = "team-pay", Environment = "dev", Namespace = (string?)"team-pay-dev" }, new { Team = "team-pay", Environment = "eu-prod", Namespace = (string?)null }, new { Team = "team-pay-eu", Environment = "prod", Namespace = (string?)"team-pay-eu-prod" }],
            namespaces);
        Assert.Equal("team-a", owner);
        Assert.Equal(HttpStatusCode.Conflict, collision.StatusCode);
        Assert.Contains("belongs to team 'team-pay-eu'", await collision.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, legacy.StatusCode);
        Assert.DoesNotContain("RoleBinding", await legacy.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}

public sealed class SqliteStoreMigrationTests(SqliteStore store) : StoreMigrationTests(store), IClassFixture<SqliteStore>;

public sealed class PostgresStoreMigrationTests(PostgresStore store) : StoreMigrationTests(store), IClassFixture<PostgresStore>;
