using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GoldenPath.Catalog.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// What a hostile tenant would try: reaching another team's namespace, service name, deployment or incident ids,
/// System or entity names, or a passing scorecard it did not earn. Run once against SQLite and once against PostgreSQL.
/// </summary>
public abstract class TenantIsolationTests(IPlatformStore store)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 31, 0, 0, 0, TimeSpan.Zero);

    private static readonly PlatformJsonContext Json = PlatformJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ANamespaceThatIsAnotherTeamsIsRefusedWithItsOwnerAndTheirsIsUntouched()
    {
        await using var platform = await StartAsync();
        var prefix = Unique("team-pay");
        var longer = $"{prefix}-eu";
        var shorter = platform.Client(await platform.TokenAsync(prefix, "catalog:write"));
        var owner = platform.Client(await platform.TokenAsync(longer, "catalog:write"));

        using var theirs = await owner.PostAsJsonAsync("/api/v1/environments", new EnvironmentRequest(longer, "prod", "4", "8Gi"), Json.EnvironmentRequest, Ct);
        using var collision = await shorter.PostAsJsonAsync("/api/v1/environments", new EnvironmentRequest(prefix, "eu-prod", "64", "256Gi", Group: "everyone"), Json.EnvironmentRequest, Ct);

        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, collision.StatusCode);
        Assert.Contains($"namespace '{longer}-prod' belongs to team '{longer}'", (await ProblemAsync(collision)).Detail, StringComparison.Ordinal);
        var kept = (await owner.GetFromJsonAsync($"/api/v1/environments/{longer}/prod", Json.EnvironmentRecord, Ct))!;
        Assert.Equal(("4", "8Gi", $"team-{longer}"), (kept.Cpu, kept.Memory, kept.Group));
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/v1/environments/{prefix}/eu-prod", Ct)).StatusCode);
    }

    [Fact]
    public async Task TwoTeamsAskingForTheSameNamespaceAtOnceGetItOnceBecauseStorageHoldsTheReservation()
    {
        await using var platform = await StartAsync();
        for (var round = 0; round < 10; round++)
        {
            var prefix = Unique("team-race");
            var requests = new[] { (Team: prefix, Environment: "eu-prod"), (Team: $"{prefix}-eu", Environment: "prod") };
            var clients = await Task.WhenAll(requests.Select(async r => platform.Client(await platform.TokenAsync(r.Team, "catalog:write"))));

            var responses = await Task.WhenAll(requests.Select((r, i) =>
                clients[i].PostAsJsonAsync("/api/v1/environments", new EnvironmentRequest(r.Team, r.Environment, "4", "8Gi"), Json.EnvironmentRequest, Ct)));

            Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
            var stored = await platform.QueryAsync(db => db.Environments.Where(e => e.Team == requests[0].Team || e.Team == requests[1].Team).ToListAsync(Ct));
            Assert.Single(stored);
        }
    }

    [Theory]
    [InlineData("system:masters")]
    [InlineData("system:authenticated")]
    [InlineData("system:serviceaccounts:kube-system")]
    [InlineData("team a")]
    [InlineData("team-a\nkind: ClusterRoleBinding")]
    [InlineData("-team-a")]
    [InlineData("oidc:")]
    [InlineData("group:default/team-a")]
    public async Task AnEnvironmentsGroupMustBeAGroupNameThatIsNoKubernetesSystemGroup(string group)
    {
        await using var platform = await StartAsync();
        var team = Unique("team-group");
        var client = platform.Client(await platform.TokenAsync(team, "catalog:write"));

        using var response = await client.PostAsJsonAsync("/api/v1/environments", new EnvironmentRequest(team, "dev", "1", "1Gi", Group: group), Json.EnvironmentRequest, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("group", (await ProblemAsync(response)).Errors!.Keys);
        Assert.False(await platform.QueryAsync(db => db.Environments.AnyAsync(e => e.Team == team, Ct)));
    }

    [Theory]
    [InlineData("team-a")]
    [InlineData("Payments.EU_Admins")]
    [InlineData("oidc:team-a")]
    public async Task AnEnvironmentsGroupMayBeAnIdentityProviderGroupName(string group)
    {
        await using var platform = await StartAsync();
        var team = Unique("team-group");
        var client = platform.Client(await platform.TokenAsync(team, "catalog:write"));

        using var response = await client.PostAsJsonAsync("/api/v1/environments", new EnvironmentRequest(team, "dev", "1", "1Gi", Group: group), Json.EnvironmentRequest, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains($"name: {group}", (await response.Content.ReadFromJsonAsync(Json.EnvironmentRecord, Ct))!.Manifests, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoTeamsClaimingTheSameNewServiceNameAtOnceLeaveOneOwnerThatNeverFlips()
    {
        await using var platform = await StartAsync();
        var teamA = platform.Client(await platform.TokenAsync("team-claim-a", "catalog:write"));
        var teamB = platform.Client(await platform.TokenAsync("team-claim-b", "catalog:write"));
        var names = Enumerable.Range(0, 30).Select(_ => Unique("claimed")).ToList();

        var claims = names.SelectMany(name => new[]
        {
            (Name: name, Team: "team-claim-a", Call: teamA.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-claim-a"), Json.ServiceUpsertRequest, Ct)),
            (Name: name, Team: "team-claim-b", Call: teamB.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-claim-b"), Json.ServiceUpsertRequest, Ct)),
        }).ToList();
        await Task.WhenAll(claims.Select(c => c.Call));

        var owners = await platform.QueryAsync(db => db.Services.Where(s => names.Contains(s.Name)).ToDictionaryAsync(s => s.Name, s => s.Owner, Ct));
        foreach (var name in names)
        {
            var answers = claims.Where(c => c.Name == name).Select(c => (c.Team, Status: c.Call.Result.StatusCode)).ToList();
            var winner = Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
            var loser = Assert.Single(answers, a => a.Status != HttpStatusCode.Created);
            Assert.Equal(HttpStatusCode.Forbidden, loser.Status);
            Assert.Equal(winner.Team, owners[name]);
        }
    }

    [Fact]
    public async Task OnlyAnAdminTransfersAServiceAndTheClaimIsVisibleInTheCatalog()
    {
        await using var platform = await StartAsync();
        var name = Unique("transfer");
        var teamA = platform.Client(await platform.TokenAsync("team-a", "catalog:write"));
        var teamB = platform.Client(await platform.TokenAsync("team-b", "catalog:write"));
        Assert.Equal(HttpStatusCode.Created, (await teamA.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct)).StatusCode);

        using var grab = await teamB.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-b"), Json.ServiceUpsertRequest, Ct);
        using var giveAway = await teamA.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-b"), Json.ServiceUpsertRequest, Ct);
        var claimed = (await teamB.GetFromJsonAsync($"/api/v1/services/{name}", Json.ServiceDescription, Ct))!;
        using var transfer = await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-b"), Json.ServiceUpsertRequest, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, grab.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, giveAway.StatusCode);
        Assert.Equal(("team-a", Now), (claimed.Owner, claimed.CreatedAt));
        Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);
        Assert.Equal("team-b", (await teamB.GetFromJsonAsync($"/api/v1/services/{name}", Json.ServiceDescription, Ct))!.Owner);
        Assert.Equal(HttpStatusCode.Forbidden, (await teamA.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct)).StatusCode);
    }

    [Fact]
    public async Task ATeamCannotTakeAnotherTeamsNextDeploymentOrIncidentId()
    {
        await using var platform = await StartAsync();
        var (ours, theirs) = (Unique("victim"), Unique("squatter"));
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{ours}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{theirs}", Service("team-b"), Json.ServiceUpsertRequest, Ct);
        var teamA = platform.Client(await platform.TokenAsync("team-a", "deployments:write", "incidents:write"));
        var teamB = platform.Client(await platform.TokenAsync("team-b", "deployments:write", "incidents:write"));
        var nextId = $"{ours}-production-42";

        using var squat = await teamB.PostAsJsonAsync("/api/v1/deployments", Deployment(theirs, nextId, Now.AddHours(-2), "failure"), Json.DeploymentEvent, Ct);
        using var real = await teamA.PostAsJsonAsync("/api/v1/deployments", Deployment(ours, nextId, Now.AddHours(-1), "success"), Json.DeploymentEvent, Ct);
        using var squatIncident = await teamB.PostAsJsonAsync("/api/v1/incidents", new IncidentRequest(theirs, "production", "Squat", Now.AddHours(-1), IncidentId: "PD-1001"), Json.IncidentRequest, Ct);
        using var realIncident = await teamA.PostAsJsonAsync("/api/v1/incidents", new IncidentRequest(ours, "production", "Checkout errors", Now.AddMinutes(-30), IncidentId: "PD-1001", DeploymentId: nextId), Json.IncidentRequest, Ct);
        using var resolve = await teamA.PatchAsJsonAsync($"/api/v1/incidents/PD-1001?service={ours}", new IncidentPatch(ResolvedAt: Now.AddMinutes(-10)), Json.IncidentPatch, Ct);
        using var foreignResolve = await teamB.PatchAsJsonAsync($"/api/v1/incidents/PD-1001?service={ours}", new IncidentPatch(ResolvedAt: Now), Json.IncidentPatch, Ct);

        Assert.Equal(HttpStatusCode.Created, squat.StatusCode);
        Assert.Equal(HttpStatusCode.Created, real.StatusCode);
        Assert.Equal(HttpStatusCode.Created, squatIncident.StatusCode);
        Assert.Equal(HttpStatusCode.Created, realIncident.StatusCode);
        Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreignResolve.StatusCode);
        var mine = Assert.Single((await teamA.GetFromJsonAsync($"/api/v1/deployments?service={ours}", Json.IReadOnlyListDeploymentRecord, Ct))!);
        Assert.Equal(("success", nextId), (mine.Outcome, mine.DeploymentId));
        var incident = (await teamA.GetFromJsonAsync($"/api/v1/incidents/PD-1001?service={ours}", Json.IncidentRecord, Ct))!;
        Assert.Equal((ours, "Checkout errors", Now.AddMinutes(-10)), (incident.Service, incident.Title, incident.ResolvedAt));
    }

    [Fact]
    public async Task ARetriedReportWithItsOwnClockIsANoOpAndARollbackToAnEarlierCommitIsANewDeployment()
    {
        await using var platform = await StartAsync();
        var name = Unique("retried");
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
        var ci = platform.Client(await platform.TokenAsync("team-a", "deployments:write"));
        var first = Deployment(name, $"{name}-run-1", Now.AddHours(-3), "success") with { Commit = "c1" };
        var second = Deployment(name, $"{name}-run-2", Now.AddHours(-2), "failure") with { Commit = "c2" };

        using var created = await ci.PostAsJsonAsync("/api/v1/deployments", first, Json.DeploymentEvent, Ct);
        using var retried = await ci.PostAsJsonAsync("/api/v1/deployments", first with { StartedAt = Now.AddMinutes(-6), FinishedAt = Now.AddMinutes(-1) }, Json.DeploymentEvent, Ct);
        using var broken = await ci.PostAsJsonAsync("/api/v1/deployments", second, Json.DeploymentEvent, Ct);
        using var rollback = await ci.PostAsJsonAsync("/api/v1/deployments",
            first with { DeploymentId = $"{name}-run-3", FinishedAt = Now.AddHours(-1), StartedAt = Now.AddHours(-1).AddMinutes(-5), Type = "rollback", Remediates = $"{name}-run-2" }, Json.DeploymentEvent, Ct);
        using var conflict = await ci.PostAsJsonAsync("/api/v1/deployments", first with { Outcome = "failure" }, Json.DeploymentEvent, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(Now.AddHours(-3), (await retried.Content.ReadFromJsonAsync(Json.DeploymentRecord, Ct))!.FinishedAt);
        Assert.Equal(HttpStatusCode.Created, broken.StatusCode);
        Assert.Equal(HttpStatusCode.Created, rollback.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains("outcome", (await ProblemAsync(conflict)).Detail, StringComparison.Ordinal);
        var stored = await platform.QueryAsync(db => db.Deployments.Where(d => d.Service == name).OrderBy(d => d.FinishedAt).Select(d => d.Commit).ToListAsync(Ct));
        Assert.Equal(["c1", "c2", "c1"], stored);
    }

    [Fact]
    public async Task ARollbackRemediatesOnlyItsOwnServicesDeployments()
    {
        await using var platform = await StartAsync();
        var (ours, theirs) = (Unique("victim"), Unique("squatter"));
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{ours}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{theirs}", Service("team-b"), Json.ServiceUpsertRequest, Ct);
        var teamA = platform.Client(await platform.TokenAsync("team-a", "deployments:write"));
        var teamB = platform.Client(await platform.TokenAsync("team-b", "deployments:write"));
        (await teamA.PostAsJsonAsync("/api/v1/deployments", Deployment(ours, $"{ours}-1", Now.AddHours(-3), "success"), Json.DeploymentEvent, Ct)).EnsureSuccessStatusCode();

        using var blame = await teamB.PostAsJsonAsync("/api/v1/deployments",
            Deployment(theirs, $"{theirs}-1", Now.AddHours(-1), "success", type: "rollback", remediates: $"{ours}-1"), Json.DeploymentEvent, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, blame.StatusCode);
        Assert.Contains($"service '{theirs}' has no deployment '{ours}-1'", (await ProblemAsync(blame)).Detail, StringComparison.Ordinal);
        var dora = (await teamA.GetFromJsonAsync($"/api/v1/dora?service={ours}&days=30", Json.DoraReport, Ct))!;
        Assert.Equal(0.0, dora.ChangeFailureRate.Value);
    }

    [Fact]
    public async Task ParallelOpensOfOneIncidentAnswerCreatedOkOrConflictAndNeverAnError()
    {
        await using var platform = await StartAsync();
        var name = Unique("paged");
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
        var pager = platform.Client(await platform.TokenAsync("team-a", "incidents:write"));
        var same = new IncidentRequest(name, "production", "Checkout errors", Now.AddMinutes(-5), IncidentId: "PD-7");
        var differing = new IncidentRequest(name, "production", "Checkout errors", Now.AddMinutes(-5), IncidentId: "PD-8");

        var repeats = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => pager.PostAsJsonAsync("/api/v1/incidents", same, Json.IncidentRequest, Ct)));
        var contested = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => pager.PostAsJsonAsync("/api/v1/incidents", differing with { Title = $"Title {i}" }, Json.IncidentRequest, Ct)));

        Assert.Equal(1, repeats.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(repeats, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        Assert.Equal(1, contested.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(contested, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Equal(2, await platform.QueryAsync(db => db.Incidents.CountAsync(i => i.Service == name, Ct)));
    }

    [Fact]
    public async Task ATeamCannotTakeOverAnotherTeamsSystemByAddingServicesToIt()
    {
        await using var platform = await StartAsync();
        var system = Unique("checkout");
        var teamA = platform.Client(await platform.TokenAsync("team-a", "catalog:write"));
        var teamB = platform.Client(await platform.TokenAsync("team-b", "catalog:write"));
        (await teamA.PutAsJsonAsync($"/api/v1/services/{Unique("cart")}", Service("team-a") with { System = system }, Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        for (var i = 0; i < 3; i++)
        {
            (await teamB.PutAsJsonAsync($"/api/v1/services/{Unique("dummy")}", Service("team-b") with { System = system }, Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        }

        var entity = (await FeedAsync(platform)).Single(e => e.Kind == "System" && e.Name == system);

        Assert.Equal("group:team-a", entity.Entity.GetProperty("spec").GetProperty("owner").GetString());
    }

    [Fact]
    public async Task ATeamCannotClaimTheSystemNamedAfterAnotherTeamBeforeIt()
    {
        await using var platform = await StartAsync();
        var victim = Unique("team-late");
        var victimToken = platform.Client(await platform.TokenAsync(victim, "catalog:write"));
        var squatter = platform.Client(await platform.TokenAsync("team-b", "catalog:write"));
        (await squatter.PutAsJsonAsync($"/api/v1/services/{Unique("squat")}", Service("team-b") with { System = victim }, Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        (await victimToken.PutAsJsonAsync($"/api/v1/services/{Unique("first")}", Service(victim) with { System = null }, Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();

        var entity = (await FeedAsync(platform)).Single(e => e.Kind == "System" && e.Name == victim);

        Assert.Equal($"group:{victim}", entity.Entity.GetProperty("spec").GetProperty("owner").GetString());
    }

    [Fact]
    public async Task ApiAndResourceEntitiesOfDifferentTeamsServicesNeverShareAName()
    {
        await using var platform = await StartAsync();
        var prefix = Unique("shop");
        const string definition = "openapi: 3.0.0\ninfo:\n  title: Shop\n  version: '1'\npaths: {}\n";
        var teamA = platform.Client(await platform.TokenAsync("team-a", "catalog:write"));
        var teamB = platform.Client(await platform.TokenAsync("team-b", "catalog:write"));
        (await teamA.PutAsJsonAsync($"/api/v1/services/{prefix}-orders", Service("team-a") with
        {
            ProvidesApis = [$"{prefix}-public"],
            DependsOn = [new ServiceDependency("api-db", "postgres")],
            ApiDefinitions = [new ApiDefinition($"{prefix}-public", "openapi", definition)],
        }, Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();
        (await teamB.PutAsJsonAsync($"/api/v1/services/{prefix}-orders-api", Service("team-b") with
        {
            DependsOn = [new ServiceDependency("db", "postgres")],
            ApiDefinitions = [new ApiDefinition($"{prefix}-public", "openapi", definition)],
        }, Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();

        var feed = (await FeedAsync(platform)).Where(e => e.Kind is "API" or "Resource" && e.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();

        Assert.Equal(4, feed.Count);
        Assert.Equal(4, feed.Select(e => (e.Kind, e.Name)).Distinct().Count());
        Assert.Equal(2, feed.Count(e => e.Entity.GetProperty("spec").GetProperty("owner").GetString() == "group:team-b"));
        var component = (await FeedAsync(platform)).Single(e => e.Kind == "Component" && e.Name == $"{prefix}-orders").Entity;
        Assert.Equal([$"api:{prefix}-orders.{prefix}-public"], component.GetProperty("spec").GetProperty("providesApis").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task TheBackstageFeedIsReadAPageAtATimeFollowingItsNextLinks()
    {
        await using var platform = await StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await platform.Admin.PutAsJsonAsync($"/api/v1/services/{Unique("paged")}", Service($"team-{i}") with { System = Unique("system") }, Json.ServiceUpsertRequest, Ct);
        }

        var whole = (await FeedAsync(platform, "/api/v1/entities?limit=500")).Select(e => $"{e.Kind}:{e.Name}").ToList();
        var read = new List<string>();
        var pages = 0;
        for (var next = "/api/v1/entities?limit=2"; next is not null; pages++)
        {
            using var response = await platform.Admin.GetAsync(next, Ct);
            response.EnsureSuccessStatusCode();
            read.AddRange(JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.EnumerateArray()
                .Select(e => $"{e.GetProperty("kind").GetString()}:{e.GetProperty("metadata").GetProperty("name").GetString()}"));
            next = response.Headers.TryGetValues("Link", out var links)
                ? System.Text.RegularExpressions.Regex.Match(links.Single(), "^<([^>]+)>; rel=\"next\"$").Groups[1].Value
                : null;
            Assert.True(pages < 100, "The next links do not end.");
        }

        Assert.True(pages >= 8, $"{pages} pages of at most 2 Components, Systems or Groups for {whole.Count} entities.");
        Assert.Equal(whole, read);
        Assert.Equal(whole.Count, whole.Distinct().Count());
    }

    [Fact]
    public async Task AClientClaimingItsManifestsPassedWithoutEvidenceDoesNotPassThePolicyCheck()
    {
        await using var platform = await StartAsync();
        var name = Unique("claims");
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
        var ci = platform.Client(await platform.TokenAsync("team-a", "deployments:write"));

        using var claimed = await ci.PostAsJsonAsync("/api/v1/deployments", Deployment(name, $"{name}-1", Now.AddHours(-1), "success") with { Policy = new PolicyResult(true, 0, 0) }, Json.DeploymentEvent, Ct);
        var check = (await ci.GetFromJsonAsync($"/api/v1/scorecards/{name}", Json.Scorecard, Ct))!.Checks.Single(c => c.Id == "manifests-passed-policy");

        Assert.Equal(HttpStatusCode.Created, claimed.StatusCode);
        Assert.False(check.Passed);
        Assert.Contains("unverified", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePlatformChecksTheManifestsSentWithADeploymentAndIgnoresTheClaimBesideThem()
    {
        await using var platform = await StartAsync();
        var name = Unique("checked");
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
        var ci = platform.Client(await platform.TokenAsync("team-a", "deployments:write"));
        var privileged = GoldenPathManifests.For(name).Replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true", StringComparison.Ordinal);

        using var failing = await ci.PostAsJsonAsync("/api/v1/deployments", Deployment(name, $"{name}-1", Now.AddHours(-2), "success") with { Policy = new PolicyResult(true, 0, 0), Manifests = privileged }, Json.DeploymentEvent, Ct);
        var failed = (await ci.GetFromJsonAsync($"/api/v1/scorecards/{name}", Json.Scorecard, Ct))!.Checks.Single(c => c.Id == "manifests-passed-policy");
        using var unrelated = await ci.PostAsJsonAsync("/api/v1/deployments", Deployment(name, $"{name}-2", Now.AddHours(-1), "success") with { Manifests = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nothing\n" }, Json.DeploymentEvent, Ct);
        using var passing = await ci.PostAsJsonAsync("/api/v1/deployments", Deployment(name, $"{name}-3", Now.AddMinutes(-30), "success") with { Manifests = GoldenPathManifests.For(name) }, Json.DeploymentEvent, Ct);
        var passed = (await ci.GetFromJsonAsync($"/api/v1/scorecards/{name}", Json.Scorecard, Ct))!.Checks.Single(c => c.Id == "manifests-passed-policy");

        Assert.Equal(HttpStatusCode.Created, failing.StatusCode);
        var record = (await failing.Content.ReadFromJsonAsync(Json.DeploymentRecord, Ct))!;
        Assert.True(record.PolicyVerified);
        Assert.False(record.Policy!.Passed);
        Assert.False(failed.Passed);
        Assert.Contains("policy errors", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unrelated.StatusCode);
        Assert.Contains($"no workload of service '{name}'", (await ProblemAsync(unrelated)).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, passing.StatusCode);
        Assert.True(passed.Passed, passed.Reason);
    }

    [Theory]
    [InlineData("kube", "system", "one Kubernetes keeps for itself")]
    [InlineData("kube", "node-lease", "one Kubernetes keeps for itself")]
    [InlineData("cert", "manager", "matched 'cert-manager'")]
    [InlineData("istio", "system", "matched 'istio-*'")]
    [InlineData("shared", "tools", "matched 'shared-*'")]
    public async Task AnEnvironmentInANamespaceKubernetesOrTheClusterKeepsIsRefused(string team, string environment, string expected)
    {
        await using var platform = await StartAsync(new() { ["GoldenPath:Platform:ReservedNamespaces:0"] = "shared-*" });
        var client = platform.Client(await platform.TokenAsync(team, "catalog:write"));

        using var response = await client.PostAsJsonAsync("/api/v1/environments", new EnvironmentRequest(team, environment, "64", "256Gi", Group: "everyone"), Json.EnvironmentRequest, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, Assert.Single((await ProblemAsync(response)).Errors!["environment"]), StringComparison.Ordinal);
        Assert.False(await platform.QueryAsync(db => db.Environments.AnyAsync(e => e.Namespace == $"{team}-{environment}", Ct)));
    }

    [Theory]
    [InlineData("1e100000000", "4Gi")]
    [InlineData("4", "1e100000000")]
    [InlineData("4", "1x")]
    public async Task AnEnvironmentQuotaOutsideKubernetesGrammarIsRefusedFast(string cpu, string memory)
    {
        await using var platform = await StartAsync();
        var team = Unique("team-quota");
        var client = platform.Client(await platform.TokenAsync(team, "catalog:write"));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using var response = await client.PostAsJsonAsync("/api/v1/environments", new EnvironmentRequest(team, "dev", cpu, memory), Json.EnvironmentRequest, Ct);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var field = cpu == "4" ? "memory" : "cpu";
        Assert.Contains("is not a Kubernetes quantity", Assert.Single((await ProblemAsync(response)).Errors![field]), StringComparison.Ordinal);
        Assert.False(await platform.QueryAsync(db => db.Environments.AnyAsync(e => e.Team == team, Ct)));
    }

    [Theory]
    [InlineData("    livenessProbe: {httpGet: {port: true}}\n", "whole number or a string")]
    [InlineData("    resources: {limits: {cpu: \"1x\"}}\n", "'1x' is not a Kubernetes quantity")]
    [InlineData("    resources: {limits: {cpu: \"1e100000000\"}}\n", "'1e100000000' is not a Kubernetes quantity")]
    [InlineData("    resources: {requests: {memory: 1e100000000}}\n", "'1e100000000' is not a Kubernetes quantity")]
    public async Task ManifestsWithAMalformedValueAreRefusedWith400NamingTheLine(string value, string expected)
    {
        await using var platform = await StartAsync();
        var name = Unique("malformed");
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
        var ci = platform.Client(await platform.TokenAsync("team-a", "deployments:write"));
        var manifests = GoldenPathManifests.For(name) + "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  containers:\n  - name: agent\n    image: agent:1\n" + value;
        var line = manifests.Split('\n').Length - 1;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using var response = await ci.PostAsJsonAsync("/api/v1/deployments", Deployment(name, $"{name}-1", Now.AddHours(-1), "success") with { Manifests = manifests }, Json.DeploymentEvent, Ct);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = Assert.Single((await ProblemAsync(response)).Errors!["manifests"]);
        Assert.StartsWith($"manifests({line},", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.False(await platform.QueryAsync(db => db.Deployments.AnyAsync(d => d.Service == name, Ct)));
    }

    [Fact]
    public async Task ManifestsWithAMalformedTimeAreRefusedWith400()
    {
        await using var platform = await StartAsync();
        var name = Unique("malformed");
        await platform.Admin.PutAsJsonAsync($"/api/v1/services/{name}", Service("team-a"), Json.ServiceUpsertRequest, Ct);
        var ci = platform.Client(await platform.TokenAsync("team-a", "deployments:write"));
        var manifests = GoldenPathManifests.For(name) + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  creationTimestamp: \"x\"\n";

        using var response = await ci.PostAsJsonAsync("/api/v1/deployments", Deployment(name, $"{name}-1", Now.AddHours(-1), "success") with { Manifests = manifests }, Json.DeploymentEvent, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("RFC 3339", Assert.Single((await ProblemAsync(response)).Errors!["manifests"]), StringComparison.Ordinal);
    }

    private async Task<PlatformApp> StartAsync(Dictionary<string, string?>? settings = null) =>
        (await store.StartAsync(new FakeTimeProvider(Now), settings)).App;

    private static async Task<List<(string Kind, string Name, JsonElement Entity)>> FeedAsync(PlatformApp platform, string path = "/api/v1/entities?limit=500") =>
        JsonDocument.Parse(await platform.Admin.GetStringAsync(path, Ct)).RootElement.EnumerateArray()
            .Select(e => (e.GetProperty("kind").GetString()!, e.GetProperty("metadata").GetProperty("name").GetString()!, e)).ToList();

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static ServiceUpsertRequest Service(string owner) =>
        new(owner, "production", "payments", DependsOn: [new ServiceDependency("orders-db", "postgres")]);

    private static DeploymentEvent Deployment(string service, string id, DateTimeOffset finished, string outcome, string? type = null, string? remediates = null) =>
        new(id, service, "prod", "1.0.0", "abc123", finished.AddMinutes(-5), finished, outcome, [new DeployedCommit("abc123", finished.AddHours(-3))], type, remediates);

    private static async Task<PlatformProblem> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync(Json.PlatformProblem, Ct))!;
    }
}

/// <summary>The manifests the golden path emits for a service, as a pipeline would send them: they pass the policy.</summary>
internal static class GoldenPathManifests
{
    public static string For(string service)
    {
        var model = new Kubernetes.DeploymentModel
        {
            NamespacePrefix = "team-a",
            PlatformUrl = "http://platform.goldenpath.svc.cluster.local",
            Workloads = [new Kubernetes.Workload { Name = service, Owner = "team-a", System = "payments" }],
        };
        return Kubernetes.NamespaceBootstrap.ToYaml(Kubernetes.ManifestEmitter.Emit(model.Workloads[0], model).Append(Kubernetes.ManifestEmitter.DefaultDeny()));
    }
}

public sealed class SqliteTenantIsolationTests(SqliteStore store) : TenantIsolationTests(store), IClassFixture<SqliteStore>;

public sealed class PostgresTenantIsolationTests(PostgresStore store) : TenantIsolationTests(store), IClassFixture<PostgresStore>;
