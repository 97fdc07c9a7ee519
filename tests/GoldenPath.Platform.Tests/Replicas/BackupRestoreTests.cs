using System.Net.Http.Json;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Testing;
using Npgsql;

namespace GoldenPath.Platform.Tests.Replicas;

/// <summary>
/// The runbook's backup and restore (docs/operations.md), done as written: <c>pg_dump</c> of the platform's database,
/// <c>pg_restore</c> into a new, empty PostgreSQL, and a platform started on the copy serves the same catalog to the same
/// tokens.
/// </summary>
[Collection(ReplicaDatabase.Name)]
public sealed class BackupRestoreTests(PostgreSqlContainerFixture postgres)
{
    private const string Team = "team-backup";

    [Fact]
    public async Task APgDumpRestoredIntoANewServerServesTheSameCatalogToTheSameTokens()
    {
        var database = await Replica.CreateDatabaseAsync(await postgres.GetConnectionStringAsync());
        string token;
        string before;
        await using (var original = await StartReadyAsync(database))
        {
            token = await Replica.TokenAsync(original.Http.BaseAddress!, Team, "instances:write", "catalog:write", "deployments:write", "read");
            using var client = Replica.Client(original, token);
            for (var s = 0; s < 3; s++)
            {
                for (var i = 0; i < 4; i++)
                {
                    Assert.True(await Replica.HeartbeatAsync(client, $"kept-{s}", $"i-{i}", Team));
                }
            }

            before = await ReadCatalogAsync(client);
        }

        var dumped = new NpgsqlConnectionStringBuilder(database).Database!;
        var source = await postgres.GetContainerAsync();
        var dump = await source.ExecAsync(["pg_dump", "-U", "postgres", "--format=custom", "--no-owner", "--file=/tmp/platform.dump", dumped], Replica.Ct);
        Assert.True(dump.ExitCode == 0, dump.Stderr);
        var bytes = await source.ReadFileAsync("/tmp/platform.dump", Replica.Ct);

        var target = new PostgreSqlContainerFixture();
        await target.InitializeAsync();
        try
        {
            var restoredServer = await target.GetContainerAsync();
            await restoredServer.CopyAsync(bytes, "/tmp/platform.dump", ct: Replica.Ct);
            var restoredDatabase = await Replica.CreateDatabaseAsync(await target.GetConnectionStringAsync());
            var restore = await restoredServer.ExecAsync(["pg_restore", "-U", "postgres", "--no-owner", "--exit-on-error",
                $"--dbname={new NpgsqlConnectionStringBuilder(restoredDatabase).Database}", "/tmp/platform.dump"], Replica.Ct);
            Assert.True(restore.ExitCode == 0, restore.Stderr);

            await using var restored = await StartReadyAsync(restoredDatabase);
            using var onCopy = Replica.Client(restored, token);
            Assert.Equal(before, await ReadCatalogAsync(onCopy));
            Assert.Equal(0, Replica.Lines(restored, "Applied migrations to the"));
        }
        finally
        {
            await target.DisposeAsync();
        }
    }

    private static async Task<ServiceProcess> StartReadyAsync(string database)
    {
        var replica = await Replica.StartAsync(database);
        await replica.WaitUntilReadyAsync();
        return replica;
    }

    /// <summary>The catalog as a reader sees it: every service with its live instances, as JSON.</summary>
    private static async Task<string> ReadCatalogAsync(HttpClient client)
    {
        var services = new List<string>();
        for (var s = 0; s < 3; s++)
        {
            var described = await client.GetFromJsonAsync($"/api/v1/services/kept-{s}", PlatformJsonContext.Default.ServiceDescription, Replica.Ct);
            Assert.NotNull(described);
            Assert.Equal(4, described.Instances.Count);
            services.Add(System.Text.Json.JsonSerializer.Serialize(described, PlatformJsonContext.Default.ServiceDescription));
        }

        using var list = await client.GetAsync("/api/v1/services", Replica.Ct);
        services.Add(await list.Content.ReadAsStringAsync(Replica.Ct));
        return string.Join('\n', services);
    }
}
