using System.Net;
using System.Net.Http.Json;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;
using GoldenPath.Platform.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// The DORA read model (<c>deployment_facts</c>) through the real platform on both stores: the reports it gives equal
/// those the deployments and incidents themselves give (<see cref="PreviousDoraCalculator"/>, the computation it
/// replaced), whatever the order, the retries and the parallelism of the writes; another team cannot move a team's
/// facts; removed deployments take their facts with them; a store without facts gets them at start.
/// </summary>
public abstract class DoraFactsTests(IPlatformStore store)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 31, 0, 0, 0, TimeSpan.Zero);

    private static readonly PlatformJsonContext Json = PlatformJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReportsFromTheFactsEqualThoseFromTheDeploymentsOfAShuffledRetriedHistory()
    {
        await using var platform = await StartAsync();
        var team = Unique("team");
        var services = new[] { Unique("alpha"), Unique("beta") };
        await HistoryAsync(platform, team, services, new Random(17));

        await AssertFactsAreFromScratchAsync(platform);
        foreach (var days in new[] { 1, 7, 30, 90, 365 })
        {
            foreach (var environment in new[] { "prod", "staging" })
            {
                await AssertReportIsThePreviousOneAsync(platform, $"service={services[0]}&environment={environment}&days={days}", services[0], null, environment);
                await AssertReportIsThePreviousOneAsync(platform, $"team={team}&environment={environment}&days={days}", null, team, environment);
                await AssertReportIsThePreviousOneAsync(platform, $"environment={environment}&days={days}", null, null, environment);
            }
        }

        // The history has failures, recoveries of both kinds and ones still open: the comparison above compared something.
        var report = (await platform.Admin.GetFromJsonAsync($"/api/v1/dora?team={team}&environment=prod&days=365", Json.DoraReport, Ct))!;
        Assert.True(report.ChangeFailureRate.Value > 0.1, report.ChangeFailureRate.Detail);
        Assert.Contains("have not recovered yet", report.FailedDeploymentRecoveryTime.Detail, StringComparison.Ordinal);
        Assert.True(report.LeadTimeForChanges.SampleSize > 50, report.LeadTimeForChanges.Detail);
    }

    [Fact]
    public async Task WritesOfOneServiceInParallelLeaveTheFactsAsAComputationFromScratch()
    {
        await using var platform = await StartAsync();
        var name = Unique("parallel");
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", new ServiceUpsertRequest("team-parallel", "production", "payments"), Json.ServiceUpsertRequest, Ct);
        var ci = platform.Client(await platform.TokenAsync("team-parallel", "deployments:write", "incidents:write"));

        // Failures and the successes that recover them, all at once and each twice: every report's update must see the others'.
        var events = Enumerable.Range(0, 24).Select(i => Deployment(name, $"{name}-{i}", Now.AddHours(-100 + (i * 3)), i % 3 == 0 ? "failure" : "success")).ToList();
        var answers = await Task.WhenAll(events.Concat(events).Select(async e =>
        {
            using var response = await ci.PostAsJsonAsync("/api/v1/deployments", e, Json.DeploymentEvent, Ct);
            return response.StatusCode;
        }));
        var incidents = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var response = await ci.PostAsJsonAsync("/api/v1/incidents", new IncidentRequest(name, "prod", "Errors", Now.AddHours(-99 + (i * 9)), DeploymentId: $"{name}-{(i * 3) + 1}", ResolvedAt: Now.AddHours(-98 + (i * 9))), Json.IncidentRequest, Ct);
            return response.StatusCode;
        }));

        Assert.All(answers, a => Assert.True(a is HttpStatusCode.Created or HttpStatusCode.OK, $"{a}"));
        Assert.Equal(24, answers.Count(a => a == HttpStatusCode.Created));
        Assert.All(incidents, a => Assert.Equal(HttpStatusCode.Created, a));
        await AssertFactsAreFromScratchAsync(platform);
        await AssertReportIsThePreviousOneAsync(platform, $"service={name}&days=30", name, null, "prod");

        // A failure and the success that recovers it as the only two reports of each of twelve services, all at once.
        var pairs = Enumerable.Range(0, 12).Select(i => $"{name}-p{i}").ToList();
        foreach (var pair in pairs)
        {
            await platform.Admin.PutAsJsonAsync($"/api/v1/services/{pair}", new ServiceUpsertRequest("team-parallel", "production", "payments"), Json.ServiceUpsertRequest, Ct);
        }

        var reported = await Task.WhenAll(pairs.SelectMany(pair => new[]
        {
            Deployment(pair, $"{pair}-failed", Now.AddHours(-2), "failure"),
            Deployment(pair, $"{pair}-fixed", Now.AddHours(-1), "success"),
        }).Select(async e =>
        {
            using var response = await ci.PostAsJsonAsync("/api/v1/deployments", e, Json.DeploymentEvent, Ct);
            return response.StatusCode;
        }));
        Assert.All(reported, a => Assert.Equal(HttpStatusCode.Created, a));
        Assert.Equal(Enumerable.Repeat((double?)1.0, 12),
            await platform.QueryAsync(db => db.DeploymentFacts.Where(f => pairs.Contains(f.Service) && f.Failed).Select(f => f.RecoveryHours).ToListAsync(Ct)));
    }

    [Fact]
    public async Task AnotherTeamCannotMoveATeamsFacts()
    {
        await using var platform = await StartAsync();
        var (ours, theirs) = (Unique("victim"), Unique("hostile"));
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{ours}", new ServiceUpsertRequest("team-a", "production", "payments"), Json.ServiceUpsertRequest, Ct);
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{theirs}", new ServiceUpsertRequest("team-b", "production", "payments"), Json.ServiceUpsertRequest, Ct);
        var teamA = platform.Client(await platform.TokenAsync("team-a", "deployments:write", "incidents:write"));
        var teamB = platform.Client(await platform.TokenAsync("team-b", "deployments:write", "incidents:write"));
        const string Shared = "release-7";
        (await teamA.PostAsJsonAsync("/api/v1/deployments", Deployment(ours, Shared, Now.AddHours(-5), "success"), Json.DeploymentEvent, Ct)).EnsureSuccessStatusCode();
        (await teamA.PostAsJsonAsync("/api/v1/deployments", Deployment(ours, "release-8", Now.AddHours(-3), "success"), Json.DeploymentEvent, Ct)).EnsureSuccessStatusCode();
        (await teamA.PostAsJsonAsync("/api/v1/incidents", new IncidentRequest(ours, "prod", "Ours", Now.AddHours(-2), IncidentId: "PD-1", DeploymentId: "release-8"), Json.IncidentRequest, Ct)).EnsureSuccessStatusCode();
        var before = await FactsAsync(platform, ours);
        var reportBefore = await platform.Admin.GetStringAsync($"/api/v1/dora?service={ours}", Ct);

        using var foreignReport = await teamB.PostAsJsonAsync("/api/v1/deployments", Deployment(ours, "release-9", Now.AddHours(-1), "failure"), Json.DeploymentEvent, Ct);
        using var sameId = await teamB.PostAsJsonAsync("/api/v1/deployments", Deployment(theirs, Shared, Now.AddHours(-4), "success"), Json.DeploymentEvent, Ct);
        using var foreignRollback = await teamB.PostAsJsonAsync("/api/v1/deployments", Deployment(theirs, "rb-1", Now.AddHours(-1), "success", "rollback", "release-8"), Json.DeploymentEvent, Ct);
        using var ownIncidentOnSharedId = await teamB.PostAsJsonAsync("/api/v1/incidents", new IncidentRequest(theirs, "prod", "Theirs", Now.AddHours(-3.5), IncidentId: "PD-2", DeploymentId: Shared), Json.IncidentRequest, Ct);
        using var foreignIncident = await teamB.PostAsJsonAsync("/api/v1/incidents", new IncidentRequest(ours, "prod", "Not theirs", Now.AddHours(-1), DeploymentId: Shared), Json.IncidentRequest, Ct);
        using var foreignResolve = await teamB.PatchAsJsonAsync($"/api/v1/incidents/PD-1?service={ours}", new IncidentPatch(ResolvedAt: Now), Json.IncidentPatch, Ct);
        using var foreignRelink = await teamB.PatchAsJsonAsync("/api/v1/incidents/PD-1", new IncidentPatch(DeploymentId: Shared), Json.IncidentPatch, Ct);

        Assert.Equal(
            [HttpStatusCode.Forbidden, HttpStatusCode.Created, HttpStatusCode.BadRequest, HttpStatusCode.Created, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.NotFound],
            new[] { foreignReport, sameId, foreignRollback, ownIncidentOnSharedId, foreignIncident, foreignResolve, foreignRelink }.Select(r => r.StatusCode));
        Assert.Equal(Describe(before), Describe(await FactsAsync(platform, ours)));
        Assert.Equal(reportBefore, await platform.Admin.GetStringAsync($"/api/v1/dora?service={ours}", Ct));
        // Their incident on their own deployment of the same id failed theirs, not ours.
        Assert.True((await FactsAsync(platform, theirs)).Single(f => f.DeploymentId == Shared).Failed);
        Assert.False(before.Single(f => f.DeploymentId == Shared).Failed);
        await AssertFactsAreFromScratchAsync(platform);
    }

    [Fact]
    public async Task AnIncidentMovedToAnotherDeploymentMovesTheFailureAndItsRecovery()
    {
        await using var platform = await StartAsync();
        var name = Unique("moved");
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", new ServiceUpsertRequest("team-a", "production", "payments"), Json.ServiceUpsertRequest, Ct);
        var ci = platform.Client(await platform.TokenAsync("team-a", "deployments:write", "incidents:write"));
        (await ci.PostAsJsonAsync("/api/v1/deployments", Deployment(name, "d1", Now.AddHours(-10), "success"), Json.DeploymentEvent, Ct)).EnsureSuccessStatusCode();
        (await ci.PostAsJsonAsync("/api/v1/deployments", Deployment(name, "d2", Now.AddHours(-8), "success"), Json.DeploymentEvent, Ct)).EnsureSuccessStatusCode();
        (await ci.PostAsJsonAsync("/api/v1/incidents", new IncidentRequest(name, "prod", "Errors", Now.AddHours(-9), IncidentId: "PD-7", DeploymentId: "d1"), Json.IncidentRequest, Ct)).EnsureSuccessStatusCode();
        var open = await FactsAsync(platform, name);

        (await ci.PatchAsJsonAsync($"/api/v1/incidents/PD-7?service={name}", new IncidentPatch(DeploymentId: "d2", ResolvedAt: Now.AddHours(-6)), Json.IncidentPatch, Ct)).EnsureSuccessStatusCode();
        var moved = await FactsAsync(platform, name);

        Assert.Equal((true, (double?)null), (open.Single(f => f.DeploymentId == "d1").Failed, open.Single(f => f.DeploymentId == "d1").RecoveryHours));
        Assert.False(moved.Single(f => f.DeploymentId == "d1").Failed);
        Assert.Equal((true, (double?)3.0), (moved.Single(f => f.DeploymentId == "d2").Failed, moved.Single(f => f.DeploymentId == "d2").RecoveryHours));
        await AssertFactsAreFromScratchAsync(platform);
    }

    [Fact]
    public async Task RemovedDeploymentsTakeTheirFactsAndAStoreWithoutFactsGetsThemAtStart()
    {
        var (kept, removed) = (Unique("kept"), Unique("removed"));
        string reportBefore;
        await using (var platform = await StartAsync())
        {
            await HistoryAsync(platform, "team-kept", [kept], new Random(3));
            await HistoryAsync(platform, "team-removed", [removed], new Random(4));
            reportBefore = await platform.Admin.GetStringAsync($"/api/v1/dora?service={kept}&days=365", Ct);

            (await platform.Admin.DeleteAsync($"/api/v1/services/{removed}", Ct)).EnsureSuccessStatusCode();
            var oneDeployment = (await FactsAsync(platform, kept))[0].DeploymentId;
            await platform.QueryAsync(db => db.Deployments.Where(d => d.Service == kept && d.DeploymentId == oneDeployment).ExecuteDeleteAsync(Ct));

            Assert.Empty(await FactsAsync(platform, removed));
            Assert.DoesNotContain(await FactsAsync(platform, kept), f => f.DeploymentId == oneDeployment);
            Assert.Equal(0, await platform.QueryAsync(db => db.DeploymentFacts.CountAsync(f => !db.Deployments.Any(d => d.Service == f.Service && d.DeploymentId == f.DeploymentId), Ct)));

            // A store as it was before the read model, or deployments written into it by hand: no facts.
            await platform.QueryAsync(db => db.DeploymentFacts.ExecuteDeleteAsync(Ct));
            Assert.NotEqual(reportBefore, await platform.Admin.GetStringAsync($"/api/v1/dora?service={kept}&days=365", Ct));
        }

        await using var restarted = await StartAsync();

        await AssertFactsAreFromScratchAsync(restarted);
        Assert.NotEmpty(await FactsAsync(restarted, kept));
        await AssertReportIsThePreviousOneAsync(restarted, $"service={kept}&days=365", kept, null, "prod");
    }

    [Fact]
    public async Task DeploymentsWrittenIntoTheStoreByHandGetTheirFactsFromThePeriodicJob()
    {
        await using var platform = await StartAsync(new() { ["GoldenPath:Platform:BackgroundJobInterval"] = "00:01:00" });
        var name = Unique("bulk");
        await HistoryAsync(platform, "team-bulk", [name], new Random(5));
        await platform.QueryAsync(db => db.DeploymentFacts.Where(f => f.Service == name).ExecuteDeleteAsync(Ct));

        await Poll.UntilAsync(async () =>
        {
            platform.Time.Advance(TimeSpan.FromMinutes(1));
            return await platform.QueryAsync(db => db.DeploymentFacts.AnyAsync(f => f.Service == name, Ct));
        }, TimeSpan.FromSeconds(30), "the periodic job to write the facts of the deployments written by hand");

        await AssertFactsAreFromScratchAsync(platform);
        await AssertReportIsThePreviousOneAsync(platform, $"service={name}&days=90", name, null, "prod");
    }

    /// <summary>
    /// A history of the services over a year: deployments to prod and staging, failures, rollbacks and hotfixes (some to
    /// another environment than what they remediate), commits after their deployment, incidents resolved, open, resolved
    /// later by a change, resolved after the window's end, and moved to another deployment; reported in shuffled order,
    /// one in eight twice.
    /// </summary>
    private static async Task HistoryAsync(PlatformApp platform, string team, string[] services, Random random)
    {
        var ci = platform.Client(await platform.TokenAsync(team, "catalog:write", "deployments:write", "incidents:write"));
        var events = new List<DeploymentEvent>();
        foreach (var service in services)
        {
            (await ci.PutAsJsonAsync($"/api/v1/services/{service}", new ServiceUpsertRequest(team, "production", "payments"), Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
            var own = new List<DeploymentEvent>();
            for (var i = 0; i < 60; i++)
            {
                var finished = Now.AddHours(-random.Next(2, 400 * 24)).AddSeconds(random.Next(3600)).AddTicks(random.Next(10_000_000));
                var commits = Enumerable.Range(0, random.Next(0, 4))
                    .Select(c => new DeployedCommit($"c{i}-{c}", finished.AddMinutes(-random.Next(-30, 10 * 24 * 60)).AddTicks(random.Next(10_000_000)))).ToArray();
                // Mostly what finished before it; sometimes (a pipeline's clock) what finished after it, even outside the window.
                var earlier = own.Where(e => e.Remediates is null && (e.FinishedAt < finished || random.Next(3) == 0)).ToList();
                var rework = earlier.Count > 0 && random.Next(6) == 0;
                var environment = random.Next(5) == 0 ? "staging" : "prod";
                own.Add(new DeploymentEvent($"{service}-{i}", service, environment, "1.0.0", "abc", finished.AddMinutes(-5), finished,
                    random.Next(6) == 0 ? "failure" : "success", commits, rework ? (random.Next(2) == 0 ? "rollback" : "hotfix") : null,
                    rework ? earlier[random.Next(earlier.Count)].DeploymentId : null));
            }

            // A rollback whose pipeline says it finished a month before what it remediates: in a 30-day window that holds only
            // the remediated deployment, it did not fail; in a 90-day window that holds both, it did.
            own.Add(new DeploymentEvent($"{service}-remediated-later", service, "prod", "1.0.0", "abc", Now.AddDays(-10).AddMinutes(-5), Now.AddDays(-10), "success", [], null, null));
            own.Add(new DeploymentEvent($"{service}-early-rollback", service, "prod", "1.0.0", "abc", Now.AddDays(-40).AddMinutes(-5), Now.AddDays(-40), "success", [], "rollback", $"{service}-remediated-later"));

            // One finishes after the report's end (within the five minutes of clock skew allowed), just after a failure.
            own.Add(new DeploymentEvent($"{service}-late-failure", service, "prod", "1.0.0", "abc", Now.AddMinutes(-20), Now.AddMinutes(-10), "failure", [], null, null));
            own.Add(new DeploymentEvent($"{service}-skewed", service, "prod", "1.0.0", "abc", Now.AddMinutes(-1), Now.AddMinutes(2), "success", [new DeployedCommit("s", Now.AddHours(-1))], null, null));
            events.AddRange(own);
        }

        // Shuffled, but a rollback or hotfix after what it remediates (the platform refuses it before); one in eight twice.
        var order = events.OrderBy(e => e.Remediates is null ? 0 : 1).ThenBy(_ => random.Next()).ToList();
        order.AddRange(order.Where(_ => random.Next(8) == 0).ToList());
        foreach (var deployment in order)
        {
            using var response = await ci.PostAsJsonAsync("/api/v1/deployments", deployment, Json.DeploymentEvent, Ct);
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{deployment.DeploymentId}: {await response.Content.ReadAsStringAsync(Ct)}");
        }

        var named = events.Where(_ => random.Next(4) == 0).ToList();
        for (var i = 0; i < named.Count; i++)
        {
            var deployment = named[i];
            var started = deployment.FinishedAt.AddMinutes(random.Next(1, 600));
            DateTimeOffset? resolved = (i % 5) switch
            {
                0 => null,                                        // still open
                1 => Now.AddDays(2),                              // resolved after the report's end
                _ => started.AddMinutes(random.Next(1, 3000)),
            };
            var id = $"inc-{deployment.DeploymentId}";
            using var opened = await ci.PostAsJsonAsync("/api/v1/incidents", new IncidentRequest(deployment.Service, deployment.Environment, "Errors", started, IncidentId: id, DeploymentId: deployment.DeploymentId, ResolvedAt: i % 7 == 3 ? null : resolved), Json.IncidentRequest, Ct);
            Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
            if (i % 7 == 3 && resolved is not null)
            {
                (await ci.PatchAsJsonAsync($"/api/v1/incidents/{id}?service={deployment.Service}", new IncidentPatch(ResolvedAt: resolved), Json.IncidentPatch, Ct)).EnsureSuccessStatusCode();
            }

            if (i % 9 == 4)
            {
                // A second incident on the same deployment, and one moved away from the deployment it first named.
                (await ci.PostAsJsonAsync("/api/v1/incidents", new IncidentRequest(deployment.Service, deployment.Environment, "More errors", started.AddMinutes(-30), IncidentId: id + "-b", DeploymentId: deployment.DeploymentId, ResolvedAt: started.AddHours(5)), Json.IncidentRequest, Ct)).EnsureSuccessStatusCode();
                var other = events.First(e => e.Service == deployment.Service && e.DeploymentId != deployment.DeploymentId);
                (await ci.PatchAsJsonAsync($"/api/v1/incidents/{id}?service={deployment.Service}", new IncidentPatch(DeploymentId: other.DeploymentId), Json.IncidentPatch, Ct)).EnsureSuccessStatusCode();
            }
        }
    }

    /// <summary>The report the API gives equals the one the previous computation gives from the store's deployments and incidents.</summary>
    private static async Task AssertReportIsThePreviousOneAsync(PlatformApp platform, string query, string? service, string? team, string environment)
    {
        var report = (await platform.Admin.GetFromJsonAsync($"/api/v1/dora?{query}", Json.DoraReport, Ct))!;
        var expected = await platform.QueryAsync(async db =>
        {
            var deployments = db.Deployments.AsNoTracking().Where(d => d.Environment == environment && d.FinishedAt >= report.From && d.FinishedAt <= report.To);
            deployments = service is not null ? deployments.Where(d => d.Service == service)
                : team is not null ? deployments.Where(d => db.Services.Any(s => s.Name == d.Service && s.Owner == team))
                : deployments;
            var window = await deployments.ToListAsync(Ct);
            var keys = window.Select(d => (d.Service, d.DeploymentId)).ToHashSet();
            var incidents = (await db.Incidents.AsNoTracking().Where(i => i.DeploymentId != null).ToListAsync(Ct)).Where(i => keys.Contains((i.Service, i.DeploymentId!))).ToList();
            return PreviousDoraCalculator.Compute(service, team, environment, report.From, report.To, window, incidents);
        });
        Assert.Equal(expected, report);
    }

    /// <summary>Every stored fact equals what the store's deployments and incidents give when derived from scratch.</summary>
    private static async Task AssertFactsAreFromScratchAsync(PlatformApp platform)
    {
        var (stored, derived) = await platform.QueryAsync(async db => (
            await db.DeploymentFacts.AsNoTracking().ToListAsync(Ct),
            DoraFacts.Derive(await db.Deployments.AsNoTracking().ToListAsync(Ct), await db.Incidents.AsNoTracking().ToListAsync(Ct))));
        Assert.Equal(Describe(derived), Describe(stored));
    }

    private static Task<List<DeploymentFactEntity>> FactsAsync(PlatformApp platform, string service) =>
        platform.QueryAsync(db => db.DeploymentFacts.AsNoTracking().Where(f => f.Service == service).ToListAsync(Ct));

    private static List<string> Describe(IEnumerable<DeploymentFactEntity> facts) =>
        [.. facts.Select(f => $"{f.Service}/{f.DeploymentId} {f.Environment} {f.FinishedAt:O} succeeded={f.Succeeded} rework={f.Rework} remediates={f.Remediates} remediatedAt=[{string.Join(",", f.RemediatedAt.Select(t => t.ToString("O")))}] " +
            $"lead=[{string.Join(",", f.LeadTimeHours.Select(h => h.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}] failed={f.Failed} recovered={f.RecoveredAt:O} hours={f.RecoveryHours:R}").Order(StringComparer.Ordinal)];

    private async Task<PlatformApp> StartAsync(Dictionary<string, string?>? settings = null) => (await store.StartAsync(new FakeTimeProvider(Now), settings)).App;

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static DeploymentEvent Deployment(string service, string id, DateTimeOffset finished, string outcome, string? type = null, string? remediates = null) =>
        new(id, service, "prod", "1.0.0", "abc123", finished.AddMinutes(-5), finished, outcome, [new DeployedCommit("abc123", finished.AddHours(-3))], type, remediates);
}

public sealed class SqliteDoraFactsTests(SqliteStore store) : DoraFactsTests(store), IClassFixture<SqliteStore>;

public sealed class PostgresDoraFactsTests(PostgresStore store) : DoraFactsTests(store), IClassFixture<PostgresStore>;
