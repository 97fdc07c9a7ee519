using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Testing;
using Npgsql;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// Two platform replicas as two real processes (<c>dotnet GoldenPath.Platform.dll</c>, as a Deployment runs them) on
/// one PostgreSQL database: each caches tokens, and a token revoked through one is refused by the other within a second.
/// </summary>
public sealed class ReplicaProcessTests(PostgreSqlContainerFixture postgres) : IClassFixture<PostgreSqlContainerFixture>
{
    private const string BootstrapToken = "replica-process-admin-token-0123456789abcdef";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ATokenRevokedThroughOneReplicaProcessIsRefusedByTheOtherWithinASecond()
    {
        var connectionString = await Replicas.Replica.CreateDatabaseAsync(await postgres.GetConnectionStringAsync());
        await using var a = await StartPlatformAsync(connectionString);
        await using var b = await StartPlatformAsync(connectionString); // after A: A has migrated the database
        var revoked = await CreateTokenAsync(a, "team-a");

        // B caches once it listens (within a second or so of its start): a token revoked behind every replica's back
        // (in the store, no notification) that B still accepts shows that B answers from its cache.
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var probe = await CreateTokenAsync(a, "team-a");
            Assert.Equal(HttpStatusCode.OK, (await GetServicesAsync(b, probe)).StatusCode);
            await RevokeInTheStoreAsync(connectionString, probe);
            if ((await GetServicesAsync(b, probe)).StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"replica B did not cache within 30 s of its start.\n{b}");
            await Task.Delay(200, Ct);
        }

        Assert.Equal(HttpStatusCode.OK, (await GetServicesAsync(b, revoked)).StatusCode);

        // Through A's API: B refuses it within a second.
        var id = await FindTokenIdAsync(connectionString, revoked);
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/tokens/{id}"))
        {
            delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BootstrapToken);
            Assert.Equal(HttpStatusCode.NoContent, (await a.Http.SendAsync(delete, Ct)).StatusCode);
        }

        clock.Restart();
        while ((await GetServicesAsync(b, revoked)).StatusCode != HttpStatusCode.Unauthorized)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"replica B still accepted the revoked token after 5 s.\n{b}");
            await Task.Delay(20, Ct);
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"replica B still accepted the revoked token {clock.Elapsed.TotalMilliseconds:F0} ms after the revocation");
    }

    private static async Task RevokeInTheStoreAsync(string connectionString, string token)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var revoke = new NpgsqlCommand("UPDATE tokens SET \"RevokedAt\" = now() WHERE \"Hash\" = @hash", connection);
        revoke.Parameters.AddWithValue("hash", Auth.TokenHasher.Hash(token));
        Assert.Equal(1, await revoke.ExecuteNonQueryAsync(Ct));
    }

    private static async Task<string> CreateTokenAsync(ServiceProcess platform, string team)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tokens")
        {
            Content = JsonContent.Create(new TokenRequest(team, ["read"], "replica test"), PlatformJsonContext.Default.TokenRequest),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BootstrapToken);
        using var response = await platform.Http.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return (await response.Content.ReadFromJsonAsync(PlatformJsonContext.Default.TokenCreated, Ct))!.Token;
    }

    private static async Task<HttpResponseMessage> GetServicesAsync(ServiceProcess platform, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/services");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await platform.Http.SendAsync(request, Ct);
    }

    private static async Task<string> FindTokenIdAsync(string connectionString, string token)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var find = new NpgsqlCommand("SELECT \"Id\" FROM tokens WHERE \"Hash\" = @hash", connection);
        find.Parameters.AddWithValue("hash", Auth.TokenHasher.Hash(token));
        return (string)(await find.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>The platform's build output run as its own process in Production, as a Deployment's replica.</summary>
    private static Task<ServiceProcess> StartPlatformAsync(string connectionString) =>
        ServiceProcess.StartWebAsync(ServiceProcess.BuildOutput("platform/GoldenPath.Platform", "GoldenPath.Platform.dll"), [], new Dictionary<string, string?>
        {
            ["ConnectionStrings__platform"] = connectionString,
            ["GoldenPath__Platform__BootstrapToken"] = BootstrapToken,
        });
}
