using System.Net.Http.Json;
using System.Security.Claims;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Auth;
using GoldenPath.Platform.Data;
using GoldenPath.Platform.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// Only a unique-key violation is a duplicate (a parallel writer came first) or worth retrying; any other failure of the
/// store (here a trigger that refuses the write, as a full disk or a dropped connection would) surfaces as itself.
/// </summary>
public abstract class StoreFailureTests(IPlatformStore store)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected abstract string FailWritesTo(string table, string trigger);

    private protected abstract string StopFailing(string table, string trigger);

    [Fact]
    public async Task AStoreFailureWhileRecordingADeploymentSurfacesAndIsNotTakenForADuplicate()
    {
        await using var handle = await store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow));
        var platform = handle.App;
        var name = $"fail-{Guid.NewGuid():N}"[..20];
        (await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", new ServiceUpsertRequest("team-a", "production"), PlatformJsonContext.Default.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        var now = platform.Time.GetUtcNow();
        var deployment = new DeploymentEvent($"{name}-1", name, "prod", "1.0.0", "abc123", now.AddMinutes(-5), now.AddMinutes(-1), "success");
        var team = new ClaimsPrincipal(new ClaimsIdentity([new Claim(Scopes.TeamClaim, "team-a"), new Claim(Scopes.ScopeClaim, Scopes.DeploymentsWrite)], "test"));

        await using var scope = platform.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        await db.Database.ExecuteSqlRawAsync(FailWritesTo("deployments", "refuse_deployments"), Ct);
        try
        {
            var failure = await Assert.ThrowsAsync<DbUpdateException>(() => scope.ServiceProvider.GetRequiredService<DeploymentService>().RecordAsync(deployment, team, Ct));
            Assert.Contains("the store refuses this write", failure.InnerException?.Message, StringComparison.Ordinal);
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync(StopFailing("deployments", "refuse_deployments"), Ct);
        }

        Assert.Empty(await platform.QueryAsync(d => d.Deployments.Where(x => x.Service == name).ToListAsync(Ct)));
    }

    [Fact]
    public async Task AnUpsertRetriesAUniqueKeyViolationAsAnUpdateAndNothingElse()
    {
        await using var handle = await store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow));
        var platform = handle.App;
        var system = $"sys-{Guid.NewGuid():N}"[..20];
        await platform.QueryAsync(async d =>
        {
            d.Add(new SystemClaimEntity { Name = system, Owner = "team-a" });
            return await d.SaveChangesAsync(Ct);
        });

        await using var scope = platform.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        var lookups = 0;
        // The first lookup misses the row another writer just stored: the insert violates the key and is retried as an update.
        var raced = await StoreRetry.UpsertAsync(db,
            async () => ++lookups == 1 ? null : await db.Set<SystemClaimEntity>().FirstOrDefaultAsync(s => s.Name == system, Ct),
            () => new SystemClaimEntity { Name = system, Owner = "team-b" },
            s => s.Owner = "team-b",
            Ct);
        Assert.Equal((2, "team-b"), (lookups, raced.Owner));

        var other = $"sys-{Guid.NewGuid():N}"[..20];
        lookups = 0;
        await db.Database.ExecuteSqlRawAsync(FailWritesTo("systems", "refuse_systems"), Ct);
        try
        {
            var failure = await Assert.ThrowsAsync<DbUpdateException>(() => StoreRetry.UpsertAsync(db,
                () => { lookups++; return db.Set<SystemClaimEntity>().FirstOrDefaultAsync(s => s.Name == other, Ct); },
                () => new SystemClaimEntity { Name = other, Owner = "team-a" },
                s => s.Owner = "team-a",
                Ct));
            Assert.Contains("the store refuses this write", failure.InnerException?.Message, StringComparison.Ordinal);
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync(StopFailing("systems", "refuse_systems"), Ct);
        }

        Assert.Equal(1, lookups);
    }
}

public sealed class SqliteStoreFailureTests(SqliteStore store) : StoreFailureTests(store), IClassFixture<SqliteStore>
{
    private protected override string FailWritesTo(string table, string trigger) =>
        $"CREATE TRIGGER {trigger} BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'the store refuses this write'); END;";

    private protected override string StopFailing(string table, string trigger) => $"DROP TRIGGER {trigger};";
}

public sealed class PostgresStoreFailureTests(PostgresStore store) : StoreFailureTests(store), IClassFixture<PostgresStore>
{
    private protected override string FailWritesTo(string table, string trigger) =>
        $"CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the store refuses this write' USING ERRCODE = '23514'; END $$; " +
        $"CREATE TRIGGER {trigger} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {trigger}();";

    private protected override string StopFailing(string table, string trigger) => $"DROP TRIGGER {trigger} ON {table}; DROP FUNCTION {trigger}();";
}
