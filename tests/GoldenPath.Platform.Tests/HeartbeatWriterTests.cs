using System.Net;
using System.Net.Http.Json;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;
using GoldenPath.Platform.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// The heartbeat writer on PostgreSQL, fed directly so that a value the edge now refuses still reaches the store: a
/// heartbeat the store refuses fails alone, not the batch it was written with.
/// </summary>
public sealed class PostgresHeartbeatWriterTests(PostgresStore store) : IClassFixture<PostgresStore>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 31, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AHeartbeatThePostgresStoreRefusesFailsAloneAndTheOthersInItsBatchAreWritten()
    {
        await using var handle = await store.StartAsync(new FakeTimeProvider(Now));
        var platform = handle.App;
        var name = $"batched-{Guid.NewGuid().ToString("N")[..8]}";
        (await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", new ServiceUpsertRequest("team-a", "production"), PlatformJsonContext.Default.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        var ids = Enumerable.Range(0, 120).Select(i => $"i-{i}").ToList();
        var services = await platform.ServicesOfAsync("team-a");
        foreach (var id in ids.Append("blocker-1").Append("blocker-2"))
        {
            using var registered = await services.PutAsJsonAsync($"/api/v1/services/{name}/instances/{id}", Registration("1.0.0"), PlatformJsonContext.Default.InstanceRegistration, Ct);
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        var writer = platform.Services.GetRequiredService<HeartbeatWriter>();
        var now = platform.Time.GetUtcNow();
        Task<InstanceEntity?> Beat(string id, string version) => writer.RefreshAsync(name, id, Registration(version), now, now.AddSeconds(90), Ct);

        // Both of PostgreSQL's writers wait on a row lock held here, so that every heartbeat sent meanwhile queues up and
        // goes to the store in the same batch as the bad one.
        var connectionString = platform.Services.GetRequiredService<IConfiguration>().GetConnectionString("platform");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var observer = new NpgsqlConnection(connectionString); // outside the transaction, whose view of pg_stat_activity is a snapshot
        await observer.OpenAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        await using (var lockRows = new NpgsqlCommand("SELECT 1 FROM instances WHERE \"ServiceName\" = @name AND \"InstanceId\" LIKE 'blocker-%' FOR UPDATE", connection, transaction))
        {
            lockRows.Parameters.AddWithValue("name", name);
            await lockRows.ExecuteNonQueryAsync(Ct);
        }

        var blockers = new List<Task<InstanceEntity?>>();
        foreach (var blocker in new[] { "blocker-1", "blocker-2" })
        {
            blockers.Add(Beat(blocker, "2.0.0"));
            await WaitForLockWaitersAsync(observer, blockers.Count);
        }

        var beats = ids.Select((id, i) => i == 60 ? Beat(id, "2.0.0\u0000") : Beat(id, "2.0.0")).ToList();
        await transaction.CommitAsync(Ct);

        var bad = await Assert.ThrowsAsync<PostgresException>(() => beats[60]);
        Assert.Equal(PostgresErrorCodes.CharacterNotInRepertoire, bad.SqlState);
        foreach (var (beat, id) in beats.Zip(ids).Where((_, i) => i != 60).Concat(blockers.Zip(["blocker-1", "blocker-2"])))
        {
            var written = await beat;
            Assert.Equal((id, "2.0.0"), (written?.InstanceId, written?.Version));
        }

        var stored = await platform.QueryAsync(db => db.Instances.Where(i => i.ServiceName == name).ToDictionaryAsync(i => i.InstanceId, i => i.Version, Ct));
        Assert.Equal("1.0.0", stored["i-60"]);
        Assert.Equal(121, stored.Values.Count(v => v == "2.0.0"));
    }

    private static async Task WaitForLockWaitersAsync(NpgsqlConnection connection, int count)
    {
        await using var waiting = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND wait_event_type = 'Lock'", connection);
        for (var start = DateTime.UtcNow; (long)(await waiting.ExecuteScalarAsync(Ct))! < count;)
        {
            if (DateTime.UtcNow - start > TimeSpan.FromSeconds(30))
            {
                await using var activity = new NpgsqlCommand("SELECT string_agg(coalesce(state, '') || ' ' || coalesce(wait_event_type, '') || ' ' || coalesce(wait_event, '') || ' ' || left(query, 60), E'\n') FROM pg_stat_activity WHERE datname = current_database()", connection);
                Assert.Fail($"The heartbeat writer did not wait on the locked rows within 30 s ({count} waiting expected):\n{await activity.ExecuteScalarAsync(Ct)}");
            }

            await Task.Delay(20, Ct);
        }
    }

    private static InstanceRegistration Registration(string version) =>
        new(version, "production", "0.1.0", ["http://10.0.0.7:8080"], new InstanceHealthUrls(null, "http://10.0.0.7:8080/health/ready", null), [], Status: "Healthy");
}
