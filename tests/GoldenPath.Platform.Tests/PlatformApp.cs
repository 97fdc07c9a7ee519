using System.Net.Http.Headers;
using System.Net.Http.Json;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>The platform on a real Kestrel listener on loopback, with a chosen store and a fake clock.</summary>
internal sealed class PlatformApp : WebApplicationFactory<Program>
{
    public const string BootstrapToken = "bootstrap-admin-secret-of-forty-characters";

    private readonly Dictionary<string, string?> _settings;
    private readonly ILoggerProvider? _logs;

    public PlatformApp(string? postgresConnectionString, string? dataDirectory, FakeTimeProvider time, Dictionary<string, string?>? settings = null,
        ILoggerProvider? logs = null)
    {
        Time = time;
        _logs = logs;
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:platform"] = postgresConnectionString ?? "",
            ["GoldenPath:Platform:DataDirectory"] = dataDirectory,
            ["GoldenPath:Platform:BootstrapToken"] = BootstrapToken,
            ["GoldenPath:Platform:AnonymousRead"] = "false",
            ["GoldenPath:Health:CacheDuration"] = "00:00:00",
        };
        foreach (var (key, value) in settings ?? [])
        {
            _settings[key] = value;
        }

        UseKestrel(0);
    }

    public FakeTimeProvider Time { get; }

    public HttpClient Admin => Client(BootstrapToken);

    public HttpClient Anonymous => CreateClient();

    public HttpClient Client(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Creates a token for a team through the API.</summary>
    public async Task<string> TokenAsync(string team, params string[] scopes)
    {
        using var response = await Admin.PostAsJsonAsync("/api/v1/tokens", new TokenRequest(team, scopes, "test"), PlatformJsonContext.Default.TokenRequest, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(PlatformJsonContext.Default.TokenCreated, TestContext.Current.CancellationToken))!.Token;
    }

    /// <summary>A client with what a team's services hold: a token of the team with scope <c>instances:write</c> (the instance endpoints refuse admin tokens).</summary>
    public async Task<HttpClient> ServicesOfAsync(string team) => Client(await TokenAsync(team, "instances:write"));

    /// <summary>Runs a query against the store directly, to see what the API really wrote.</summary>
    public async Task<T> QueryAsync<T>(Func<PlatformDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PlatformDbContext>());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
        if (_logs is not null)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(_logs));
        }
    }
}

/// <summary>A store for the platform tests: a SQLite folder or a PostgreSQL database.</summary>
public interface IPlatformStore
{
    /// <summary>Creates a platform on this store.</summary>
    Task<PlatformAppHandle> StartAsync(FakeTimeProvider time, Dictionary<string, string?>? settings = null);
}

/// <summary>A started platform, disposed with the test.</summary>
public sealed class PlatformAppHandle : IAsyncDisposable
{
    internal PlatformAppHandle(PlatformApp app) => App = app;

    internal PlatformApp App { get; }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

/// <summary>A fresh SQLite store per platform.</summary>
public sealed class SqliteStore : IPlatformStore, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("goldenpath-platform-").FullName;

    public Task<PlatformAppHandle> StartAsync(FakeTimeProvider time, Dictionary<string, string?>? settings = null) =>
        Task.FromResult(Start(new PlatformApp(null, _directory, time, settings)));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    internal static PlatformAppHandle Start(PlatformApp app)
    {
        app.StartServer();
        return new PlatformAppHandle(app);
    }
}

/// <summary>A PostgreSQL server in a container; each test class gets a fresh database.</summary>
public sealed class PostgresStore : GoldenPath.Testing.PostgreSqlContainerFixture, IPlatformStore
{
    private readonly string _database = $"platform_{Guid.NewGuid():N}";
    private bool _created;

    public async Task<PlatformAppHandle> StartAsync(FakeTimeProvider time, Dictionary<string, string?>? settings = null)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(await GetConnectionStringAsync());
        if (!_created)
        {
            await using var connection = new Npgsql.NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            _created = true;
        }

        builder.Database = _database;
        return SqliteStore.Start(new PlatformApp(builder.ConnectionString, null, time, settings));
    }
}
