using System.Net;
using System.Net.Http.Json;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;
using GoldenPath.Platform.Domain;
using GoldenPath.Testing;
using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform.Tests.Replicas;

/// <summary>
/// The DORA facts behind two platform processes on one PostgreSQL: the deployments and incidents of one service reported
/// through both at once, out of order and twice, leave the facts a computation from scratch gives, and both replicas
/// answer the report the deployments themselves give.
/// </summary>
[Collection(ReplicaDatabase.Name)]
public sealed class DoraFactsReplicaTests(PostgreSqlContainerFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoReplicasWritingOneServicesDeploymentsAtOnceLeaveExactFacts()
    {
        var database = await Replica.CreateDatabaseAsync(await postgres.GetConnectionStringAsync());
        var replicas = await Replica.StartReadyAsync(2, database);
        try
        {
            var team = $"team-{Guid.NewGuid():N}"[..16];
            var name = $"svc-{Guid.NewGuid():N}"[..16];
            var (a, b) = (replicas[0], replicas[1]);
            using var onA = Replica.Client(a, await Replica.TokenAsync(a.Http.BaseAddress!, team, "catalog:write", "deployments:write", "incidents:write", "read"));
            using var onB = Replica.Client(b, await Replica.TokenAsync(b.Http.BaseAddress!, team, "catalog:write", "deployments:write", "incidents:write", "read"));
            (await onA.PutAsJsonAsync($"/api/v1/services/{name}", new ServiceUpsertRequest(team, "production", "payments"), PlatformJsonContext.Default.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
            var now = DateTimeOffset.UtcNow;

            // Every third deployment fails and the next success recovers it; each is reported through both replicas at
            // once, newest first, so that each report's update must see the other replica's rows to be right.
            var events = Enumerable.Range(0, 30).Reverse().Select(i => new DeploymentEvent($"{name}-{i}", name, "prod", "1.0.0", "abc",
                now.AddHours(-200 + (i * 6)).AddMinutes(-5), now.AddHours(-200 + (i * 6)), i % 3 == 0 ? "failure" : "success",
                [new DeployedCommit($"c{i}", now.AddHours(-210 + (i * 6)))], null, null)).ToList();
            var answers = await Task.WhenAll(events.SelectMany(e => new[] { onA, onB }.Select(async client =>
            {
                using var response = await client.PostAsJsonAsync("/api/v1/deployments", e, PlatformJsonContext.Default.DeploymentEvent, Ct);
                return response.StatusCode;
            })));
            var incidents = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
            {
                using var response = await (i % 2 == 0 ? onA : onB).PostAsJsonAsync("/api/v1/incidents", new IncidentRequest(name, "prod", "Errors",
                    now.AddHours(-199 + (i * 18)), DeploymentId: $"{name}-{(i * 3) + 1}", ResolvedAt: now.AddHours(-197 + (i * 18))), PlatformJsonContext.Default.IncidentRequest, Ct);
                return response.StatusCode;
            }));

            Assert.Equal(30, answers.Count(s => s == HttpStatusCode.Created));
            Assert.All(answers, s => Assert.True(s is HttpStatusCode.Created or HttpStatusCode.OK, $"{s}"));
            Assert.All(incidents, s => Assert.Equal(HttpStatusCode.Created, s));
            await using var db = new PostgresPlatformDbContext(new DbContextOptionsBuilder<PostgresPlatformDbContext>().UseNpgsql(database).Options);
            var stored = await db.DeploymentFacts.AsNoTracking().Where(f => f.Service == name).ToListAsync(Ct);
            var derived = DoraFacts.Derive(await db.Deployments.AsNoTracking().Where(d => d.Service == name).ToListAsync(Ct),
                await db.Incidents.AsNoTracking().Where(i => i.Service == name).ToListAsync(Ct));
            Assert.Equal(Describe(derived), Describe(stored));
            var fromA = (await onA.GetFromJsonAsync($"/api/v1/dora?service={name}&days=30", PlatformJsonContext.Default.DoraReport, Ct))!;
            var fromB = (await onB.GetFromJsonAsync($"/api/v1/dora?service={name}&days=30", PlatformJsonContext.Default.DoraReport, Ct))!;
            var deployments = await db.Deployments.AsNoTracking().Where(d => d.Service == name && d.FinishedAt >= fromA.From && d.FinishedAt <= fromA.To).ToListAsync(Ct);
            var linked = await db.Incidents.AsNoTracking().Where(i => i.Service == name).ToListAsync(Ct);
            Assert.Equal(PreviousDoraCalculator.Compute(name, null, "prod", fromA.From, fromA.To, deployments, linked), fromA);
            Assert.Equal((fromA.Deployments, fromA.ChangeFailureRate, fromA.FailedDeploymentRecoveryTime, fromA.LeadTimeForChanges),
                (fromB.Deployments, fromB.ChangeFailureRate, fromB.FailedDeploymentRecoveryTime, fromB.LeadTimeForChanges));
            Assert.Equal((30, 0.6667), (fromA.Deployments, fromA.ChangeFailureRate.Value));

            // The last writes of a service matter most (each write derives all of its service's facts again): a failure
            // and the success that recovers it, as the only two reports of each of twelve services, through both replicas at once.
            var pairs = Enumerable.Range(0, 12).Select(i => $"{name}-p{i}").ToList();
            foreach (var pair in pairs)
            {
                (await onA.PutAsJsonAsync($"/api/v1/services/{pair}", new ServiceUpsertRequest(team, "production", "payments"), PlatformJsonContext.Default.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
            }

            var reported = await Task.WhenAll(pairs.SelectMany(pair => new[]
            {
                (Client: onA, Event: new DeploymentEvent($"{pair}-failed", pair, "prod", "1.0.0", "abc", now.AddHours(-3), now.AddHours(-2), "failure", [], null, null)),
                (Client: onB, Event: new DeploymentEvent($"{pair}-fixed", pair, "prod", "1.0.0", "abc", now.AddHours(-2), now.AddHours(-1), "success", [], null, null)),
            }).Select(async r =>
            {
                using var response = await r.Client.PostAsJsonAsync("/api/v1/deployments", r.Event, PlatformJsonContext.Default.DeploymentEvent, Ct);
                return response.StatusCode;
            }));
            Assert.All(reported, s => Assert.Equal(HttpStatusCode.Created, s));
            var recovered = await db.DeploymentFacts.AsNoTracking().Where(f => pairs.Contains(f.Service) && f.Failed).Select(f => f.RecoveryHours).ToListAsync(Ct);
            Assert.Equal(Enumerable.Repeat((double?)1.0, 12), recovered);
        }
        finally
        {
            await Replica.DisposeAllAsync(replicas);
        }
    }

    private static List<string> Describe(IEnumerable<DeploymentFactEntity> facts) =>
        [.. facts.Select(f => $"{f.DeploymentId} {f.FinishedAt:O} failed={f.Failed} remediatedAt={string.Join(",", f.RemediatedAt)} recovered={f.RecoveredAt:O} hours={f.RecoveryHours:R} lead={string.Join(",", f.LeadTimeHours)}").Order(StringComparer.Ordinal)];
}
