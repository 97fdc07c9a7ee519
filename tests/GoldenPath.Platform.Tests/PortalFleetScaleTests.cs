using System.Net.Http.Json;
using System.Text.RegularExpressions;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// The portal on a fleet of 1,000 services whose objectives a Prometheus-shaped HTTP listener answers (counting every
/// query): the pages that show many levels ask it a bounded number of times, and show the levels the API answers; on
/// SQLite and on PostgreSQL.
/// </summary>
public abstract partial class PortalFleetScaleTests(IPlatformStore store)
{
    private static readonly PlatformJsonContext Json = PlatformJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PagesThatShowAThousandServicesLevelsAskPrometheusAFewTimesAndShowTheLevelsTheApiAnswers()
    {
        await using var prometheus = await CountingPrometheus.StartAsync();
        await using var handle = await store.StartAsync(new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero)), new()
        {
            ["GoldenPath:Platform:PrometheusUrl"] = prometheus.Address.ToString(),
            ["GoldenPath:Platform:ScorecardLevels:0:Name"] = "Bronze",
            ["GoldenPath:Platform:ScorecardLevels:0:Checks:0"] = "owner-set",
            ["GoldenPath:Platform:ScorecardLevels:1:Name"] = "Silver",
            ["GoldenPath:Platform:ScorecardLevels:1:Checks:0"] = "lifecycle-set",
            ["GoldenPath:Platform:ScorecardLevels:2:Name"] = "Gold",
            ["GoldenPath:Platform:ScorecardLevels:2:Checks:0"] = "slos-declared",
        });
        var platform = handle.App;
        var seed = await PortalSeed.WriteAsync(platform, teamAServices: 1000);
        // Every third service's objectives are recorded: those, and only those, reach Gold.
        prometheus.Recorded = [.. seed.TeamAServices.Where((_, i) => i % 3 == 0)];
        using var reader = new PortalSession(platform);
        (await reader.SignInAsync(seed.TeamAReader)).Dispose();

        foreach (var page in new[] { "/portal?level=Gold", "/portal/adoption", $"/portal/teams/{seed.TeamA}", "/portal" })
        {
            var before = prometheus.Queries;
            using var response = await reader.GetAsync(page);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.InRange(prometheus.Queries - before, 1, 2);
        }

        var gold = await reader.TextAsync("/portal?level=Gold");
        var shown = ServiceNames().Matches(gold).Select(m => m.Value).Where(seed.TeamAServices.Contains).Distinct().ToList();
        Assert.Equal(seed.TeamAServices.Where((_, i) => i % 3 == 0).Take(25), shown);
        var api = platform.Client(seed.TeamAReader);
        foreach (var name in seed.TeamAServices.Where((_, i) => i % 97 == 0 || i % 97 == 1).Append(seed.Busy))
        {
            var level = (await api.GetFromJsonAsync($"/api/v1/scorecards/{name}", Json.Scorecard, Ct))!.Level;
            var row = await reader.TextAsync($"/portal?search={name}");
            Assert.Contains($"<span class=\"level level-{level}\">{level}</span>", row, StringComparison.Ordinal);
            Assert.Equal(int.Parse(name[3..6], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0 ? "Gold" : "Silver", level);
        }
    }

    [GeneratedRegex("svc[0-9]{3}-[0-9a-f]{6}")]
    private static partial Regex ServiceNames();

    /// <summary>Answers Prometheus' instant-query API with the objective series of the services it is told are recorded, and counts the queries.</summary>
    private sealed class CountingPrometheus : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _queries;

        private CountingPrometheus(WebApplication app) => _app = app;

        public Uri Address => new(_app.Urls.First() + "/");

        public int Queries => Volatile.Read(ref _queries);

        public IReadOnlyList<string> Recorded { get; set; } = [];

        public static async Task<CountingPrometheus> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var prometheus = new CountingPrometheus(app);
            app.MapGet("/api/v1/query", (string query) =>
            {
                Interlocked.Increment(ref prometheus._queries);
                var only = OneService().Match(query) is { Success: true } match ? match.Groups[1].Value : null;
                var series = prometheus.Recorded.Where(s => only is null || s == only).SelectMany(s => new[]
                {
                    $$"""{"metric":{"__name__":"{{SloBudgetService.ObjectiveSeries}}","service":"{{s}}","slo":"availability"},"value":[1764590400,"0.99"]}""",
                    $$"""{"metric":{"__name__":"{{SloBudgetService.BudgetSeries}}","service":"{{s}}","slo":"availability"},"value":[1764590400,"0.5"]}""",
                });
                return Results.Text("""{"status":"success","data":{"resultType":"vector","result":[""" + string.Join(",", series) + "]}}", "application/json");
            });
            await app.StartAsync(Ct);
            return prometheus;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    [GeneratedRegex("service=\"([^\"]+)\"")]
    private static partial Regex OneService();
}

public sealed class SqlitePortalFleetScaleTests(SqliteStore store) : PortalFleetScaleTests(store), IClassFixture<SqliteStore>;

public sealed class PostgresPortalFleetScaleTests(PostgresStore store) : PortalFleetScaleTests(store), IClassFixture<PostgresStore>;
