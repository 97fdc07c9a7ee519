using GoldenPath.Platform.Data;
using GoldenPath.Testing;

namespace GoldenPath.Platform.Tests.Replicas;

/// <summary>
/// A lock holder that vanishes without closing its connection (a lost node) loses its locks when PostgreSQL's own TCP
/// keepalive gives up on it: the lock's session sets the server's side, so that is about 25 s rather than the operating
/// system's two hours. Read back from the server, on the session that holds the lock, over TCP (where they apply).
/// </summary>
[Collection(ReplicaDatabase.Name)]
public sealed class AdvisoryLockKeepaliveTests(PostgreSqlContainerFixture postgres)
{
    [Fact]
    public async Task TheLockSessionHasTheServersKeepalivesSetSoAVanishedHolderLosesItsLocksWithinAboutTwentyFiveSeconds()
    {
        var database = await Replica.CreateDatabaseAsync(await postgres.GetConnectionStringAsync());
        await using var held = await PostgresAdvisoryLock.AcquireAsync(database, PostgresAdvisoryLock.BackgroundJobs, Replica.Ct);

        // In the settings' base units: seconds for the keepalives, milliseconds for the user timeout.
        Assert.Equal("10", await held.QueryAsync(Setting("tcp_keepalives_idle"), Replica.Ct));
        Assert.Equal("5", await held.QueryAsync(Setting("tcp_keepalives_interval"), Replica.Ct));
        Assert.Equal("3", await held.QueryAsync(Setting("tcp_keepalives_count"), Replica.Ct));
        Assert.Equal("25000", await held.QueryAsync(Setting("tcp_user_timeout"), Replica.Ct));
        // 10 s idle, then 3 probes 5 s apart: the same bound the documentation gives.
        Assert.Equal(PostgresAdvisoryLock.VanishedHolderBound, TimeSpan.FromSeconds(10 + (3 * 5)));
        Assert.True(await held.IsHeldAsync(Replica.Ct));
    }

    private static string Setting(string name) => $"SELECT setting FROM pg_settings WHERE name = '{name}'";
}
