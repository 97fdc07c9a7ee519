using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GoldenPath.Bench;

/// <summary>
/// Section 7: the portal's pages on a fleet of 1,000 services with a year of deployments, seeded through the platform's
/// API as services and pipelines write it, then each page requested one after the other (a reader clicking), timed at the
/// client and as the platform measures itself.
/// </summary>
internal static partial class PortalBench
{
    /// <summary>A Prometheus-shaped listener for the platform's objectives query: every service whose number is divisible by <paramref name="every"/> has an objective.</summary>
    public static async Task PrometheusAsync(string[] args, int every)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/api/v1/query", (string query) =>
        {
            var only = OneService().Match(query) is { Success: true } match ? match.Groups[1].Value : null;
            var names = only is not null ? [only] : Enumerable.Range(0, 10_000).Select(ServiceName);
            var text = new StringBuilder("""{"status":"success","data":{"resultType":"vector","result":[""");
            var first = true;
            foreach (var name in names.Where(n => int.TryParse(n.AsSpan(4), CultureInfo.InvariantCulture, out var number) && number % every == 0))
            {
                text.Append(first ? "" : ",").Append(CultureInfo.InvariantCulture,
                    $$"""{"metric":{"__name__":"goldenpath:slo_objective:ratio","service":"{{name}}","slo":"availability"},"value":[1764590400,"0.995"]},""" +
                    $$"""{"metric":{"__name__":"goldenpath:slo_error_budget:remaining","service":"{{name}}","slo":"availability"},"value":[1764590400,"0.5"]}""");
                first = false;
            }

            return Results.Text(text.Append("]}}").ToString(), "application/json");
        });
        await app.RunAsync();
    }

    public static async Task<string> RunAsync(string platformUrl, string adminToken, string postgresContainer, int services, int teams, int weeks, int seconds, string counters, int platformPid)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(platformUrl), Timeout = TimeSpan.FromSeconds(60) };
        var seeding = Stopwatch.StartNew();
        var teamNames = Enumerable.Range(0, teams).Select(t => $"team-{t:00}").ToList();
        var writers = new Dictionary<string, AuthenticationHeaderValue>(StringComparer.Ordinal);
        foreach (var team in teamNames)
        {
            writers[team] = new AuthenticationHeaderValue("Bearer", await TokenAsync(http, adminToken, team, "catalog:write", "deployments:write", "incidents:write", "instances:write"));
        }

        var now = DateTimeOffset.UtcNow;
        async Task<HttpResponseMessage> Send(HttpMethod method, string path, object body, string team, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
            request.Headers.Authorization = writers[team];
            return await http.SendAsync(request, ct);
        }

        async Task Ok(Task<HttpResponseMessage> sent)
        {
            using var response = await sent;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }

        string Team(int s) => teamNames[s % teams];

        // The catalog: services of ten teams in fifty systems, each depending on the one before it; created over the year.
        await Parallel.ForEachAsync(Enumerable.Range(0, services), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (s, ct) =>
            await Ok(Send(HttpMethod.Put, $"api/v1/services/{ServiceName(s)}", new
            {
                owner = Team(s), lifecycle = s % 10 == 9 ? "experimental" : "production", system = $"system-{s % 50:00}", description = $"Service {s} of {Team(s)}.",
                dependsOn = s == 0 ? Array.Empty<object>() : [new { name = ServiceName(s - 1), kind = "service" }, new { name = "postgres", kind = "postgres" }],
                sourceLocation = $"https://git.example.com/{Team(s)}/{ServiceName(s)}",
            }, Team(s), ct)));

        // One live instance per service (nine in ten ready, on the supported SDK and exporting telemetry).
        await Parallel.ForEachAsync(Enumerable.Range(0, services), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (s, ct) =>
            await Ok(Send(HttpMethod.Put, $"api/v1/services/{ServiceName(s)}/instances/pod-{s:0000}", new
            {
                version = "1.0.0", environment = "prod", sdkVersion = "0.1.0", endpoints = new[] { $"http://10.0.{s / 250}.{s % 250}:8080" },
                health = new { live = (string?)null, ready = (string?)null, startup = (string?)null }, dependencies = Array.Empty<object>(),
                status = s % 10 == 3 ? "Unhealthy" : "Healthy", telemetryConfigured = true,
            }, Team(s), ct)));

        // A year of weekly deployments to prod, two commits each; one in eight fails and is followed by an incident. Through
        // the API that is 58,000 requests (a quarter of an hour on two loaded cores), so they are written straight into the
        // platform's tables, as DeploymentService writes a reported deployment (the documented bulk path, bench/README.md).
        var sql = $$"""
            INSERT INTO deployments ("Service", "DeploymentId", "BodyHash", "Commit", "Commits", "Environment", "FinishedAt", "Outcome", "PolicyVerified",
                "RecordedAt", "StartedAt", "Type", "Version")
            SELECT 'svc-' || lpad(s::text, 4, '0'), 'd-' || lpad(w::text, 3, '0'), md5(s || '-' || w), 'c' || s || '-' || w,
                json_build_array(json_build_object('sha', 'a' || s || '-' || w, 'timestamp', f - interval '6 hours'),
                                 json_build_object('sha', 'b' || s || '-' || w, 'timestamp', f - interval '2 days'))::text,
                'prod', f, 'success', false, f, f - interval '8 minutes', 'regular', '1.' || ({{weeks}} - w) || '.0'
            FROM generate_series(0, {{services - 1}}) s, generate_series(1, {{weeks}}) w,
                LATERAL (SELECT now() - w * interval '7 days' + (s % 100) * interval '1 hour' + interval '1 minute' AS f) t;
            INSERT INTO incidents ("Service", "IncidentId", "DeploymentId", "Environment", "ResolvedAt", "Severity", "StartedAt", "Title")
            SELECT "Service", 'inc-' || substr("DeploymentId", 3), "DeploymentId", 'prod', "FinishedAt" + interval '20 minutes' + (substr("Service", 5)::int % 5) * interval '1 hour',
                'sev2', "FinishedAt" + interval '20 minutes', 'Errors after ' || "DeploymentId"
            FROM deployments WHERE (substr("Service", 5)::int + substr("DeploymentId", 3)::int) % 8 = 0;
            ANALYZE;
            SELECT count(*) FROM deployments;
            """;
        var (exit, output) = await Measure.RunAsync("docker", "exec", postgresContainer, "psql", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qtA", "-c", sql);
        var deployments = exit == 0 && int.TryParse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture, out var written)
            ? written
            : throw new InvalidOperationException($"Writing the deployments into PostgreSQL ({postgresContainer}) failed (exit {exit}): {output}");
        seeding.Stop();
        Console.Error.WriteLine($"  seeded {services} services, {services} instances, {deployments} deployments in {seeding.Elapsed.TotalSeconds:0} s");

        // Deployments written into the tables by hand have no DORA facts yet: the platform's periodic job (every
        // GoldenPath:Platform:BackgroundJobInterval, set short by bench/run.sh) writes them; the pages read only those.
        var backfill = Stopwatch.StartNew();
        while (await FactsAsync(http, adminToken) < deployments)
        {
            if (backfill.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new InvalidOperationException($"The platform wrote the DORA facts of only {await FactsAsync(http, adminToken)} of the {deployments} deployments in 10 minutes; is GoldenPath:Platform:BackgroundJobInterval short (bench/run.sh sets 00:00:05)?");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Console.Error.WriteLine($"  the platform wrote the DORA facts of the {deployments} deployments in {backfill.Elapsed.TotalSeconds:0} s");

        // A reader signs in with a read token of one team, as a person without an identity provider does.
        var cookies = new CookieContainer();
        using var reader = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(platformUrl), Timeout = TimeSpan.FromSeconds(60) };
        var form = await reader.GetStringAsync("portal/signin");
        var antiforgery = WebUtility.HtmlDecode(AntiforgeryField().Match(form).Groups[1].Value);
        using (var signedIn = await reader.PostAsync("portal/signin", new FormUrlEncodedContent(new Dictionary<string, string>
               {
                   ["token"] = await TokenAsync(http, adminToken, teamNames[1], "read"), ["__antiforgery"] = antiforgery,
               })))
        {
            if (signedIn.StatusCode != HttpStatusCode.Redirect)
            {
                throw new InvalidOperationException($"Signing in to the portal answered {(int)signedIn.StatusCode}.");
            }
        }

        (string Name, string Path, string Route)[] pages =
        [
            ("catalog", "portal", "/portal"),
            ("catalog, level Gold", "portal?level=Gold", "/portal"),
            ("service", $"portal/services/{ServiceName(1)}", "/portal/services/{name}"),
            ("team (100 services)", $"portal/teams/{teamNames[1]}", "/portal/teams/{team}"),
            ("DORA, organisation, 90 days", "portal/dora", "/portal/dora"),
            ("DORA, organisation, 365 days", "portal/dora?days=365", "/portal/dora"),
            ("adoption", "portal/adoption", "/portal/adoption"),
        ];
        var text = new StringBuilder();
        text.Line("| page | address | requests | client p50 / p95 / p99 ms | server p50 / p95 / p99 ms | platform CPU ms per request | bytes |").Line("|---|---|---|---|---|---|---|");
        var worst = (Page: "", Ms: 0.0);
        foreach (var (name, path, route) in pages)
        {
            for (var i = 0; i < 3; i++)
            {
                await GetAsync(reader, path);
            }

            var measured = counters.Length > 0 ? ServerDurations.StartAsync(counters, platformPid, seconds + 2) : null;
            await Task.Delay(TimeSpan.FromSeconds(counters.Length > 0 ? 1 : 0));
            var latencies = new List<double>();
            var bytes = 0;
            var cpu = platformPid > 0 ? Measure.CpuTime(platformPid) : TimeSpan.Zero;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(seconds) || latencies.Count < 10)
            {
                var started = Stopwatch.GetTimestamp();
                bytes = await GetAsync(reader, path);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            var cpuPerRequest = platformPid > 0 ? Measure.F((Measure.CpuTime(platformPid) - cpu).TotalMilliseconds / latencies.Count, "0.0") : "—";
            latencies.Sort();
            var server = measured is null ? null : await measured;
            var serverText = server is null ? "—" : server.Format("GET", route);
            var p95 = server?.Get("GET", route, 95) is { } s95 && !double.IsNaN(s95) ? s95 : Measure.Percentile(latencies, 95);
            if (p95 > worst.Ms)
            {
                worst = (name, p95);
            }

            text.Line($"| {name} | `/{path}` | {latencies.Count} | {Measure.F(Measure.Percentile(latencies, 50))} / {Measure.F(Measure.Percentile(latencies, 95))} / {Measure.F(Measure.Percentile(latencies, 99))} | {serverText} | {cpuPerRequest} | {bytes:N0} |");
            Console.Error.WriteLine($"  {name}: client p95 {Measure.F(Measure.Percentile(latencies, 95))} ms, server {serverText}");
        }

        text.Line().Line($"Goal: every page < 100 ms server time at p95: **worst {worst.Page}, {Measure.F(worst.Ms)} ms ({(worst.Ms < 100 ? "met" : "missed")})**.")
            .Line().Line($"{services:N0} services of {teams} teams on PostgreSQL, each with one live instance and {weeks} weekly deployments to prod with two commits " +
                $"({deployments:N0} deployments; one in eight followed by an incident), the catalog and the instances written through the API with the teams' tokens, the deployments and incidents into the tables " +
                $"(one SQL statement), in {seeding.Elapsed.TotalSeconds:0} s, and their DORA facts written by the platform's periodic job in {backfill.Elapsed.TotalSeconds:0} s; " +
                "a Prometheus-shaped listener records objectives for one service in three. A reader signed in with a team's read token requests each page one " +
                $"after the other for {seconds} s after three warm-up requests. Client: time to the last byte. Server: ASP.NET Core's `http.server.request.duration` " +
                "read with `dotnet-counters` (the worst 5 s interval), from the request's arrival to its response. Platform CPU: the platform process's user and system " +
                "time over the page's requests divided by their number (PostgreSQL's is not in it): what a page costs whatever else the machine runs. The machine's two cores also run PostgreSQL and this client.");
        return text.ToString();
    }

    private static async Task<int> GetAsync(HttpClient reader, string path)
    {
        using var response = await reader.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode == HttpStatusCode.OK ? body.Length : throw new InvalidOperationException($"GET /{path} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)[..Math.Min(body.Length, 500)]}");
    }

    /// <summary>How many of the seeded deployments (all to prod, within a year) the organisation's DORA report counts.</summary>
    private static async Task<int> FactsAsync(HttpClient http, string adminToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/dora?environment=prod&days=365");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var report = await System.Text.Json.JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        return report.RootElement.GetProperty("deployments").GetInt32();
    }

    private static async Task<string> TokenAsync(HttpClient http, string adminToken, string team, params string[] scopes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/tokens") { Content = JsonContent.Create(new { team, scopes, name = $"bench {team}" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var created = await http.SendAsync(request);
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static string ServiceName(int s) => $"svc-{s:0000}";

    [GeneratedRegex("name=\"__antiforgery\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("service=\"([^\"]+)\"")]
    private static partial Regex OneService();
}
