using System.Net.Http.Json;
using System.Text.RegularExpressions;
using GoldenPath.Catalog.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// A service page's "depended on by": the services whose catalog entry names it as a dependency, found by a query into
/// the stored dependencies; on SQLite and on PostgreSQL.
/// </summary>
public abstract partial class PortalDependentsTests(IPlatformStore store)
{
    private static readonly PlatformJsonContext Json = PlatformJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheServicePageListsExactlyTheServicesThatNameItAsADependencyOfAnyTeam()
    {
        await using var handle = await store.StartAsync(new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero)));
        var platform = handle.App;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (teamA, teamB) = ($"orders-{suffix}", $"billing-{suffix}");
        var a = platform.Client(await platform.TokenAsync(teamA, "catalog:write"));
        var b = platform.Client(await platform.TokenAsync(teamB, "catalog:write"));
        var target = $"pay-{suffix}";

        async Task PutAsync(HttpClient client, string team, string name, string? description, params ServiceDependency[] dependsOn) =>
            (await client.PutAsJsonAsync($"/api/v1/services/{name}", new ServiceUpsertRequest(team, "production", Description: description, DependsOn: dependsOn),
                Json.ServiceUpsertRequest, Ct)).EnsureSuccessStatusCode();

        await PutAsync(a, teamA, target, null);
        await PutAsync(a, teamA, $"pay-v2-{suffix}", null); // a name that starts like the target's
        await PutAsync(a, teamA, $"checkout-{suffix}", null, new ServiceDependency($"pay-v2-{suffix}", "service"), new ServiceDependency(target, "service"));
        await PutAsync(b, teamB, $"invoices-{suffix}", null, new ServiceDependency(target, "http")); // another team's, another kind
        await PutAsync(a, teamA, $"refunds-{suffix}", null, new ServiceDependency($"pay-v2-{suffix}", "service")); // only the look-alike
        await PutAsync(b, teamB, $"ledger-{suffix}", $"Talks to {target}, \"name\":\"{target}\"", new ServiceDependency("postgres", "postgres")); // named in text only
        await PutAsync(a, teamA, $"loner-{suffix}", null);

        using var reader = new PortalSession(platform);
        (await reader.SignInAsync(await platform.TokenAsync(teamA, "read"))).Dispose();
        Assert.Equal([$"checkout-{suffix}", $"invoices-{suffix}"], DependedOnBy(await reader.TextAsync($"/portal/services/{target}")));
        Assert.Equal([$"checkout-{suffix}", $"refunds-{suffix}"], DependedOnBy(await reader.TextAsync($"/portal/services/pay-v2-{suffix}")));
        Assert.Empty(DependedOnBy(await reader.TextAsync($"/portal/services/loner-{suffix}")));
    }

    /// <summary>The services linked in the "Depended on by" cell of a service page's dependency table.</summary>
    private static List<string> DependedOnBy(string page)
    {
        var row = DependenciesRow().Match(page);
        Assert.True(row.Success, $"No dependency table on the page:\n{page}");
        return [.. ServiceLinks().Matches(row.Groups["by"].Value).Select(m => m.Groups[1].Value)];
    }

    [GeneratedRegex("<td>[^<]*</td>\\s*<td>(?<by>.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex DependenciesRow();

    [GeneratedRegex("<a href=\"/portal/services/([a-z0-9-]+)\">")]
    private static partial Regex ServiceLinks();
}

public sealed class SqlitePortalDependentsTests(SqliteStore store) : PortalDependentsTests(store), IClassFixture<SqliteStore>;

public sealed class PostgresPortalDependentsTests(PostgresStore store) : PortalDependentsTests(store), IClassFixture<PostgresStore>;
