using System.Net;
using GoldenPath.Testing;

namespace GoldenPath.Platform.Tests.Replicas;

/// <summary>
/// The portal behind a load balancer without sticky sessions: two platform processes on one PostgreSQL share the Data
/// Protection key ring and the sessions, so a cookie or a form of one is good on the other, and a sign-out on one ends
/// the session on both.
/// </summary>
[Collection(ReplicaDatabase.Name)]
public sealed class PortalReplicaTests(PostgreSqlContainerFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignedInOnOneReplicaThePersonReadsAndPostsFormsOnTheOtherAndSigningOutEndsTheSessionOnBoth()
    {
        var database = await Replica.CreateDatabaseAsync(await postgres.GetConnectionStringAsync());
        // Each replica has a home folder of its own, as pods have no file system in common: ASP.NET Core would otherwise
        // keep its keys in ~/.aspnet/DataProtection-Keys, shared by two processes of one user on one machine.
        var homes = Enumerable.Range(0, 2).Select(_ => Directory.CreateTempSubdirectory("goldenpath-replica-home-").FullName).ToArray();
        var starting = homes.Select(home => Replica.StartAsync(database, new Dictionary<string, string?> { ["HOME"] = home })).ToArray();
        var replicas = Array.Empty<ServiceProcess>();
        try
        {
            replicas = await Task.WhenAll(starting);
            await Task.WhenAll(replicas.Select(r => r.WaitUntilReadyAsync()));
            var (a, b) = (replicas[0].Http.BaseAddress!, replicas[1].Http.BaseAddress!);
            var reader = await Replica.TokenAsync(a, "team-portal", "read");
            using var onA = new PortalSession(a);
            // The same browser, its requests sent to the other replica (cookies do not tell ports apart).
            using var onB = new PortalSession(b, onA.Cookies);

            using var signedIn = await onA.SignInAsync(reader);
            var copied = onA.PortalCookie?.Value;
            using var catalogOnB = await onB.GetAsync("/portal");
            var catalogOnBText = await catalogOnB.Content.ReadAsStringAsync(Ct);

            // A form handed out by A, posted to B: another sign-in, in a second browser.
            using var second = new PortalSession(a);
            var formOfA = await second.AntiforgeryAsync();
            using var secondOnB = new PortalSession(b, second.Cookies);
            using var signInOnB = await secondOnB.Http.PostAsync("/portal/signin", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["token"] = reader, ["__antiforgery"] = formOfA,
            }), Ct);

            // The sign-out form of a page of A, posted to B.
            using var signedOutOnB = await onB.SignOutAsync(await onA.AntiforgeryAsync("/portal"));
            using var copyOnA = await PortalSession.WithCookieAsync(a, "/portal", copied!);
            using var copyOnB = await PortalSession.WithCookieAsync(b, "/portal", copied!);
            using var secondStillOnA = await second.GetAsync("/portal");

            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            Assert.NotNull(copied);
            Assert.True(catalogOnB.StatusCode == HttpStatusCode.OK, $"B answered {(int)catalogOnB.StatusCode} {catalogOnB.Headers.Location} to A's cookie");
            Assert.Contains("Signed in: team team-portal", catalogOnBText, StringComparison.Ordinal);
            Assert.True(signInOnB.StatusCode == HttpStatusCode.Redirect, $"B answered {(int)signInOnB.StatusCode} to A's sign-in form");
            Assert.Equal("/portal", signInOnB.Headers.Location!.OriginalString);
            Assert.True(signedOutOnB.StatusCode == HttpStatusCode.Redirect, $"B answered {(int)signedOutOnB.StatusCode} to A's sign-out form");
            Assert.Equal("/portal/signin", copyOnA.Headers.Location?.AbsolutePath);
            Assert.Equal("/portal/signin", copyOnB.Headers.Location?.AbsolutePath);
            Assert.Equal(HttpStatusCode.OK, secondStillOnA.StatusCode);
            Assert.True(await Replica.CountAsync(database, "SELECT count(*) FROM data_protection_keys") >= 1);
            Assert.Equal(1, await Replica.CountAsync(database, "SELECT count(*) FROM portal_sessions"));
            // Without a certificate for the key ring, each replica says at start what that exposes and which setting fixes it.
            Assert.All(replicas, r => Assert.Equal(1, Replica.Lines(r, "GoldenPath:Platform:KeyRing:Certificate:Path is not set: the portal's Data Protection keys are stored in clear")));
        }
        finally
        {
            await Replica.DisposeAllAsync(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            foreach (var home in homes)
            {
                Directory.Delete(home, recursive: true);
            }
        }
    }
}
