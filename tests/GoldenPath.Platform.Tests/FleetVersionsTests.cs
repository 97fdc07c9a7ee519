using System.Net;
using System.Net.Http.Json;
using GoldenPath.Catalog.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// The fleet's GoldenPath versions (<c>GET /api/v1/fleet/versions</c>) and the scorecard's <c>sdk-supported</c> check,
/// from what real registrations carry, run once against SQLite and once against PostgreSQL.
/// </summary>
public abstract class FleetVersionsTests(IPlatformStore store)
{
    private static readonly PlatformJsonContext Json = PlatformJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServicesOnDifferentVersionsShowInTheFleetOldestFirstAndInTheirScorecardsAndAClaimFromTheFutureMovesNobodyElse()
    {
        await using var handle = await store.StartAsync(new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero)), new()
        {
            ["GoldenPath:Platform:NewestVersion"] = "0.3.0",
            ["GoldenPath:Platform:SupportedSdkMinorVersions"] = "1",
        });
        var platform = handle.App;
        var teamA = await platform.ServicesOfAsync("team-a");
        var teamB = await platform.ServicesOfAsync("team-b");
        var teamC = await platform.ServicesOfAsync("team-c");
        await RegisterAsync(teamA, "team-a", "orders", "i-1", "production", "0.3.0", "platform-api", "0.3.0");
        await RegisterAsync(teamA, "team-a", "orders", "i-2", "staging", "0.3.0", "platform-api", "0.3.0");
        await RegisterAsync(teamB, "team-b", "mailer", "i-1", "production", "0.1.0", "platform-worker", "0.1.0");
        await RegisterAsync(teamB, "team-b", "ledger", "i-1", "production", "0.2.0", "platform-api", "0.3.0");
        await RegisterAsync(teamB, "team-b", "ledger", "i-2", "production", "0.2.1", "platform-api", "0.3.0");
        // A tenant that claims versions from the future changes its own standing only.
        await RegisterAsync(teamC, "team-c", "braggart", "i-1", "production", "99.0.0", "platform-api", "99.0.0");

        var reader = platform.Client(await platform.TokenAsync("team-b", "read"));
        var fleet = (await reader.GetFromJsonAsync("/api/v1/fleet/versions", Json.FleetVersions, Ct))!;

        Assert.Equal(("0.3.0", "0.3.0", "0.2.0"), (fleet.NewestSdkVersion, fleet.NewestTemplateVersion, fleet.OldestSupportedVersion));
        Assert.Equal(new FleetShare(4, 2, 0.5), fleet.Overall);
        Assert.Equal([new FleetTeamShare("team-a", 1, 1, 1), new FleetTeamShare("team-b", 2, 0, 0), new FleetTeamShare("team-c", 1, 1, 1)], fleet.Teams);
        Assert.Equal([new FleetServiceBehind("mailer", "team-b", "0.1.0", "0.1.0", Supported: false), new FleetServiceBehind("ledger", "team-b", "0.2.0", "0.3.0", Supported: true)], fleet.Behind);
        var orders = fleet.Services.Single(s => s.Name == "orders");
        Assert.True(orders.OnNewest);
        Assert.Equal(["production", "staging"], orders.Environments.Select(e => e.Environment));
        Assert.All(orders.Environments, e => Assert.Equal((1, "platform-api", "0.3.0", "0.3.0"), (e.Instances, e.Template, Assert.Single(e.SdkVersions), Assert.Single(e.TemplateVersions))));
        Assert.Equal(["0.2.0", "0.2.1"], fleet.Services.Single(s => s.Name == "ledger").Environments.Single().SdkVersions);

        var teamBOnly = (await reader.GetFromJsonAsync("/api/v1/fleet/versions?team=team-b", Json.FleetVersions, Ct))!;
        Assert.Equal(["ledger", "mailer"], teamBOnly.Services.Select(s => s.Name));

        var mailer = await SdkCheckAsync(reader, "mailer");
        Assert.False(mailer.Passed);
        Assert.Contains("i-1 (SDK 0.1.0, template 0.1.0)", mailer.Reason, StringComparison.Ordinal);
        Assert.Contains("dotnet goldenpath upgrade", mailer.Reason, StringComparison.Ordinal);
        Assert.True((await SdkCheckAsync(reader, "ledger")).Passed);
        Assert.True((await SdkCheckAsync(reader, "orders")).Passed);

        // The team upgrades: its next heartbeats carry the new versions, and the fleet sees it.
        await RegisterAsync(teamB, "team-b", "mailer", "i-1", "production", "0.3.0", "platform-worker", "0.3.0");
        var after = (await reader.GetFromJsonAsync("/api/v1/fleet/versions", Json.FleetVersions, Ct))!;
        Assert.Equal(["ledger"], after.Behind.Select(b => b.Name));
        Assert.True((await SdkCheckAsync(reader, "mailer")).Passed);
        var instance = (await reader.GetFromJsonAsync("/api/v1/services/mailer", Json.ServiceDescription, Ct))!.Instances.Single();
        Assert.Equal(("platform-worker", "0.3.0"), (instance.Template, instance.TemplateVersion));
    }

    [Fact]
    public async Task AServicesTokenCannotReadTheFleetAndAnOversizedTemplateIsRefused()
    {
        await using var handle = await store.StartAsync(new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero)));
        var platform = handle.App;
        var services = await platform.ServicesOfAsync("team-a");

        using var read = await services.GetAsync("/api/v1/fleet/versions", Ct);
        using var badTeam = await platform.Admin.GetAsync("/api/v1/fleet/versions?team=Team_A", Ct);
        using var oversized = await services.PutAsJsonAsync("/api/v1/services/orders/instances/i-1",
            Registration("team-a", "production", "0.1.0", new string('x', 101), "0.1.0"), Json.InstanceRegistration, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badTeam.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, oversized.StatusCode);
        Assert.Contains("template", await oversized.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private static async Task RegisterAsync(HttpClient client, string team, string service, string instance, string environment, string sdk, string template, string templateVersion)
    {
        using var response = await client.PutAsJsonAsync($"/api/v1/services/{service}/instances/{instance}", Registration(team, environment, sdk, template, templateVersion), Json.InstanceRegistration, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private static InstanceRegistration Registration(string team, string environment, string sdk, string template, string templateVersion) =>
        new("1.0.0", environment, sdk, ["http://10.0.0.7:8080"], new InstanceHealthUrls(null, null, null), [], Status: "Healthy",
            Service: new RegisteringService(team, "production"), Template: template, TemplateVersion: templateVersion);

    private static async Task<ScorecardCheck> SdkCheckAsync(HttpClient client, string service) =>
        (await client.GetFromJsonAsync($"/api/v1/scorecards/{service}", Json.Scorecard, Ct))!.Checks.Single(c => c.Id == "sdk-supported");
}

public sealed class SqliteFleetVersionsTests(SqliteStore store) : FleetVersionsTests(store), IClassFixture<SqliteStore>;

public sealed class PostgresFleetVersionsTests(PostgresStore store) : FleetVersionsTests(store), IClassFixture<PostgresStore>;
