using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using GoldenPath.Catalog.Contracts;
using Npgsql;

namespace GoldenPath.Platform.Tests.Replicas;

/// <summary>
/// Platform replicas as a Deployment runs them: each its own process (<c>dotnet GoldenPath.Platform.dll</c> from the
/// build output, in Production) on one PostgreSQL database, and what the tests do to and through them.
/// </summary>
internal static class Replica
{
    public const string BootstrapToken = "replicas-admin-token-0123456789abcdefghijkl";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Creates an empty database on the server of <paramref name="serverConnectionString"/> and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string serverConnectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(serverConnectionString);
        var database = $"replicas_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync(Ct);
        }

        builder.Database = database;
        return builder.ConnectionString;
    }

    /// <summary>Starts one replica and waits until it listens (not until it is ready).</summary>
    public static Task<ServiceProcess> StartAsync(string connectionString, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__platform"] = connectionString,
            ["GoldenPath__Platform__BootstrapToken"] = BootstrapToken,
            ["GoldenPath__Health__CacheDuration"] = "00:00:00",
            // The tests' fleets share one token: a fleet's worth of heartbeats must not meet the per-token limit.
            ["GoldenPath__Platform__WritesPerSecond"] = "20000",
            ["GoldenPath__Platform__WriteBurst"] = "20000",
            ["GoldenPath__Platform__ReadsPerSecond"] = "20000",
            ["GoldenPath__Platform__ReadBurst"] = "20000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        // Replicas share one server's connections (100 by default): each keeps its pool well inside a third of them.
        var database = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 25 };
        environment["ConnectionStrings__platform"] = database.ConnectionString;
        return ServiceProcess.StartWebAsync(ServiceProcess.BuildOutput("platform/GoldenPath.Platform", "GoldenPath.Platform.dll"), [], environment, TimeSpan.FromSeconds(120));
    }

    /// <summary>Starts <paramref name="count"/> replicas at the same moment and waits until every one is ready.</summary>
    public static async Task<ServiceProcess[]> StartReadyAsync(int count, string connectionString, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var starting = Enumerable.Range(0, count).Select(_ => StartAsync(connectionString, settings)).ToArray();
        try
        {
            var replicas = await Task.WhenAll(starting);
            await Task.WhenAll(replicas.Select(r => r.WaitUntilReadyAsync()));
            return replicas;
        }
        catch
        {
            // A replica that failed to start fails the test: the others must not outlive it.
            await DisposeAllAsync(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            throw;
        }
    }

    public static async ValueTask DisposeAllAsync(IEnumerable<ServiceProcess> replicas)
    {
        foreach (var replica in replicas)
        {
            await replica.DisposeAsync();
        }
    }

    /// <summary>Kills a replica at once (SIGKILL), as the kernel's OOM killer or a lost node does: nothing of it runs on.</summary>
    public static async Task KillAsync(ServiceProcess replica)
    {
        using (var kill = Process.Start("kill", ["-KILL", replica.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(CancellationToken.None);
        }

        await UntilAsync(() => Task.FromResult(replica.HasExited), TimeSpan.FromSeconds(10), "the killed replica to exit");
    }

    public static HttpClient Client(ServiceProcess replica, string token)
    {
        var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = replica.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Creates a token of <paramref name="team"/> through the API of <paramref name="through"/>.</summary>
    public static async Task<string> TokenAsync(Uri through, string team, params string[] scopes)
    {
        using var admin = new HttpClient { BaseAddress = through };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tokens")
        {
            Content = JsonContent.Create(new TokenRequest(team, scopes, "replica test"), PlatformJsonContext.Default.TokenRequest),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BootstrapToken);
        using var response = await admin.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"Creating a token through {through}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return (await response.Content.ReadFromJsonAsync(PlatformJsonContext.Default.TokenCreated, Ct))!.Token;
    }

    /// <summary>The registration an instance of <paramref name="team"/>'s service sends with every heartbeat.</summary>
    public static InstanceRegistration Registration(string team) =>
        new("1.0.0", "production", "0.1.0", [], new InstanceHealthUrls(null, null, null), [], Service: new RegisteringService(team, "production"));

    /// <summary>Sends one heartbeat (a PUT of the instance); true when the platform acknowledged it (200 or 201).</summary>
    public static async Task<bool> HeartbeatAsync(HttpClient client, string service, string instance, string team)
    {
        using var response = await client.PutAsJsonAsync($"/api/v1/services/{service}/instances/{instance}", Registration(team), PlatformJsonContext.Default.InstanceRegistration, Ct);
        return response.IsSuccessStatusCode;
    }

    /// <summary>Runs a scalar query against the database directly, to see what the replicas really wrote.</summary>
    public static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs a statement against the database directly.</summary>
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>How many lines of a replica's standard output hold <paramref name="text"/>.</summary>
    public static int Lines(ServiceProcess replica, string text) => replica.StandardOutput.Count(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>Polls until <paramref name="condition"/> holds and returns how long that took.</summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < timeout, $"Not within {timeout}: {what}.");
            await Task.Delay(50, Ct);
        }

        return clock.Elapsed;
    }

    /// <summary>Whether <c>/health/ready</c> of the replica answers with <paramref name="status"/>.</summary>
    public static async Task<bool> ReadyIsAsync(ServiceProcess replica, int status) => await ReadyStatusAsync(replica) == status;

    /// <summary>What <c>/health/ready</c> of the replica answers, or 0 when it does not within 10 s.</summary>
    public static async Task<int> ReadyStatusAsync(ServiceProcess replica)
    {
        try
        {
            using var probe = new HttpClient { BaseAddress = replica.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            using var ready = await probe.GetAsync("/health/ready", Ct);
            return (int)ready.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !Ct.IsCancellationRequested)
        {
            return 0;
        }
    }
}
