using System.Net.Http.Json;
using GoldenPath.Catalog.Contracts;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// A seeded history for the portal, written through the API as pipelines and services write it: two teams' services
/// with live instances, a quarter of weekly deployments with their commits, failures and incidents.
/// </summary>
internal sealed class PortalSeed
{
    private static readonly PlatformJsonContext Json = PlatformJsonContext.Default;

    private PortalSeed(string teamA, string teamB, string teamAReader, string teamBReader, string teamAWriter, IReadOnlyList<string> teamAServices, string hostile)
    {
        TeamA = teamA;
        TeamB = teamB;
        TeamAReader = teamAReader;
        TeamBReader = teamBReader;
        TeamAWriter = teamAWriter;
        TeamAServices = teamAServices;
        Hostile = hostile;
    }

    /// <summary>The text of the hostile service's description: markup that must be shown, never run.</summary>
    public const string HostileDescription = "<script>document.title='owned'</script><img src=x onerror=\"document.title='owned'\"> & friends";

    public string TeamA { get; }

    public string TeamB { get; }

    /// <summary>A token of team A with the scope <c>read</c>.</summary>
    public string TeamAReader { get; }

    /// <summary>A token of team B with the scope <c>read</c>.</summary>
    public string TeamBReader { get; }

    /// <summary>A token of team A with catalog:write and deployments:write, but not read.</summary>
    public string TeamAWriter { get; }

    /// <summary>Team A's services, by name; the first has the deployment history.</summary>
    public IReadOnlyList<string> TeamAServices { get; }

    /// <summary>A service of team B whose description is markup.</summary>
    public string Hostile { get; }

    public string Busy => TeamAServices[0];

    public static async Task<PortalSeed> WriteAsync(PlatformApp platform, int teamAServices = 3)
    {
        var ct = TestContext.Current.CancellationToken;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (teamA, teamB) = ($"payments-{suffix}", $"search-{suffix}");
        var writerA = await platform.TokenAsync(teamA, "catalog:write", "deployments:write", "incidents:write");
        var writerB = await platform.TokenAsync(teamB, "catalog:write", "deployments:write", "incidents:write");
        var a = platform.Client(writerA);
        var b = platform.Client(writerB);
        var servicesA = platform.Client(await platform.TokenAsync(teamA, "instances:write"));
        var now = platform.Time.GetUtcNow();

        var names = Enumerable.Range(0, teamAServices).Select(i => $"svc{i:000}-{suffix}").ToList();
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
        {
            (await a.PutAsJsonAsync($"/api/v1/services/{name}", new ServiceUpsertRequest(teamA, i % 3 == 2 ? "experimental" : "production", $"checkout-{suffix}",
                Description: $"Service {i} of the payments team.", DependsOn: i == 1 ? [new ServiceDependency(names[0], "service")] : null,
                ProvidesApis: i == 0 ? [$"{name}-api"] : null), Json.ServiceUpsertRequest, ct)).EnsureSuccessStatusCode();
        }

        for (var i = 0; i < Math.Min(2, names.Count); i++)
        {
            (await servicesA.PutAsJsonAsync($"/api/v1/services/{names[i]}/instances/pod-{i}", new InstanceRegistration("2.4.0", "prod", "0.1.0",
                [$"http://10.0.0.{i + 10}:8080"], new InstanceHealthUrls(null, null, null), [], Status: "Healthy", TelemetryConfigured: true), Json.InstanceRegistration, ct)).EnsureSuccessStatusCode();
        }

        // Twelve weeks of deployments of the busy service: one a week, two commits each; every fourth one fails and is
        // followed by an incident that lasts three hours.
        var busy = names[0];
        for (var week = 12; week >= 1; week--)
        {
            var finished = now - TimeSpan.FromDays(7 * week) + TimeSpan.FromHours(3);
            var id = $"deploy-{week}";
            var failed = week % 4 == 0;
            (await a.PostAsJsonAsync("/api/v1/deployments", new DeploymentEvent(id, busy, "prod", $"1.{12 - week}.0", $"c0ffee{week:00}", finished.AddMinutes(-10), finished,
                "success", [new DeployedCommit($"a{week:00}", finished.AddHours(-5)), new DeployedCommit($"b{week:00}", finished.AddDays(-2))]), Json.DeploymentEvent, ct)).EnsureSuccessStatusCode();
            if (failed)
            {
                (await a.PostAsJsonAsync("/api/v1/incidents", new IncidentRequest(busy, "prod", $"Errors after {id}", finished.AddMinutes(30), $"inc-{week}", "sev2", id, finished.AddMinutes(210)),
                    Json.IncidentRequest, ct)).EnsureSuccessStatusCode();
            }
        }

        var hostile = $"hostile-{suffix}";
        (await b.PutAsJsonAsync($"/api/v1/services/{hostile}", new ServiceUpsertRequest(teamB, "production", $"search-{suffix}", Description: HostileDescription),
            Json.ServiceUpsertRequest, ct)).EnsureSuccessStatusCode();
        (await b.PostAsJsonAsync("/api/v1/deployments", new DeploymentEvent("b-1", hostile, "prod", "0.9.0", "beef", now.AddDays(-3), now.AddDays(-3).AddMinutes(5), "failure"),
            Json.DeploymentEvent, ct)).EnsureSuccessStatusCode();

        return new PortalSeed(teamA, teamB, await platform.TokenAsync(teamA, "read"), await platform.TokenAsync(teamB, "read"), writerA, names, hostile);
    }
}
