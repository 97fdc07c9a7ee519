using System.Net;
using GoldenPath.Testing;

namespace GoldenPath.Platform.Tests.Replicas;

/// <summary>
/// Replicas on one PostgreSQL with the key ring's certificate mounted as a Kubernetes TLS Secret is (PEM certificate and
/// key): the stored keys are encrypted, a cookie of one replica is read by the other, and a replica started without the
/// certificate refuses to start and says why, instead of writing a key in clear that the others would take up.
/// </summary>
[Collection(ReplicaDatabase.Name)]
public sealed class KeyRingReplicaTests(PostgreSqlContainerFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReplicasWithTheCertificateShareEncryptedKeysAndAReplicaWithoutItRefusesToStartSayingWhy()
    {
        var database = await Replica.CreateDatabaseAsync(await postgres.GetConnectionStringAsync());
        using var files = new KeyRingCertificates();
        using var certificate = KeyRingCertificates.Create("goldenpath-key-ring");
        var pem = files.Pem(certificate, "key-ring-tls");
        var withCertificate = new Dictionary<string, string?>
        {
            ["GoldenPath__Platform__KeyRing__Certificate__Path"] = pem.Certificate,
            ["GoldenPath__Platform__KeyRing__Certificate__KeyPath"] = pem.Key,
        };
        // Each replica has a home folder of its own, as pods have no file system in common.
        var homes = Enumerable.Range(0, 3).Select(_ => Directory.CreateTempSubdirectory("goldenpath-replica-home-").FullName).ToArray();
        var starting = homes.Take(2).Select(home => Replica.StartAsync(database, new Dictionary<string, string?>(withCertificate) { ["HOME"] = home })).ToArray();
        ServiceProcess? without = null;
        try
        {
            var replicas = await Task.WhenAll(starting);
            await Task.WhenAll(replicas.Select(r => r.WaitUntilReadyAsync()));
            var (a, b) = (replicas[0].Http.BaseAddress!, replicas[1].Http.BaseAddress!);
            var reader = await Replica.TokenAsync(a, "team-keys", "read");
            using var onA = new PortalSession(a);
            using var signedIn = await onA.SignInAsync(reader);
            var cookie = onA.PortalCookie?.Value;
            using var onB = await PortalSession.WithCookieAsync(b, "/portal", cookie ?? "");
            var pageOnB = await onB.Content.ReadAsStringAsync(Ct);
            var stored = await XmlOfKeysAsync(database);

            without = ServiceProcess.Start(ServiceProcess.BuildOutput("platform/GoldenPath.Platform", "GoldenPath.Platform.dll"), [], new Dictionary<string, string?>
            {
                ["ConnectionStrings__platform"] = database,
                ["GoldenPath__Platform__BootstrapToken"] = Replica.BootstrapToken,
                ["HOME"] = homes[2],
            });
            await Poll.UntilAsync(() => without.HasExited, TimeSpan.FromSeconds(60), "the replica without the certificate to exit");
            var refusal = without.StandardOutput.FirstOrDefault(l => l.Contains("data_protection_keys", StringComparison.Ordinal) && l.Contains("does not have", StringComparison.Ordinal));

            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            Assert.True(onB.StatusCode == HttpStatusCode.OK, $"B answered {(int)onB.StatusCode} {onB.Headers.Location} to A's cookie");
            Assert.Contains("Signed in: team team-keys", pageOnB, StringComparison.Ordinal);
            Assert.NotEmpty(stored);
            Assert.All(stored, xml =>
            {
                Assert.False(KeyRingCertificates.InClear(xml), $"A key is stored in clear:\n{xml}");
                Assert.True(KeyRingCertificates.EncryptedFor(xml, certificate), $"A key is not encrypted for the mounted certificate:\n{xml}");
            });
            Assert.NotEqual(0, without.ExitCode);
            Assert.True(refusal is not null, $"The replica without the certificate did not log why it refused to start:\n{without}");
            Assert.Contains(certificate.Thumbprint, refusal, StringComparison.Ordinal);
            Assert.Contains("GoldenPath:Platform:KeyRing:Certificate:Path", refusal, StringComparison.Ordinal);
            // It wrote no key of its own.
            Assert.Equal(stored.Count, (await XmlOfKeysAsync(database)).Count);
            Assert.Equal(1, await Replica.CountAsync(database, "SELECT count(*) FROM portal_sessions"));
        }
        finally
        {
            if (without is not null)
            {
                await without.DisposeAsync();
            }

            await Replica.DisposeAllAsync(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            foreach (var home in homes)
            {
                Directory.Delete(home, recursive: true);
            }
        }
    }

    private static async Task<List<string>> XmlOfKeysAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand("SELECT \"Xml\" FROM data_protection_keys", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var keys = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }
}
