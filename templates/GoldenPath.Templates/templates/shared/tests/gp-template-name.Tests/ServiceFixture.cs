#if (usesContainers)
using GoldenPath.Testing;
#endif
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace GpTemplateNamespace.Tests;

#if (usesContainers)
/// <summary>
#if (usePostgres && useRedis)
/// Runs the service in-process as in production, against a real PostgreSQL and a real Redis in containers
/// (Testcontainers; images from GOLDENPATH_POSTGRES_IMAGE and GOLDENPATH_REDIS_IMAGE when set).
#elif (usePostgres)
/// Runs the service in-process as in production, against a real PostgreSQL in a container
/// (Testcontainers; image from GOLDENPATH_POSTGRES_IMAGE when set).
#else
/// Runs the service in-process as in production, against a real Redis in a container
/// (Testcontainers; image from GOLDENPATH_REDIS_IMAGE when set).
#endif
/// Without a Docker engine the tests that need it are skipped on a workstation and fail in CI (CI=true).
/// </summary>
public sealed class ServiceFixture : IAsyncLifetime
{
#if (usePostgres)
    private readonly PostgreSqlContainerFixture _postgres = new();
#endif
#if (useRedis)
    private readonly RedisContainerFixture _redis = new();
#endif
#if (isWorker && !useRedis)
    // Timer-driven work runs often in tests.
    private readonly Dictionary<string, string?> _settings = new() { ["Worker:Interval"] = "00:00:00.200" };
#else
    private readonly Dictionary<string, string?> _settings = [];
#endif

    /// <summary>Returns the settings the service needs to start here: the containers' connection strings.</summary>
    public async Task<IReadOnlyDictionary<string, string?>> GetSettingsAsync()
    {
        await DockerEngine.RequireAsync();
        return _settings;
    }
#else
/// <summary>Runs the service in-process as in production.</summary>
public sealed class ServiceFixture
{
#if (isWorker)
    // Timer-driven work runs often in tests.
    private readonly Dictionary<string, string?> _settings = new() { ["Worker:Interval"] = "00:00:00.200" };
#else
    private readonly Dictionary<string, string?> _settings = [];
#endif

    /// <summary>Returns the settings the service starts with in the tests.</summary>
    public Task<IReadOnlyDictionary<string, string?>> GetSettingsAsync() => Task.FromResult<IReadOnlyDictionary<string, string?>>(_settings);
#endif

    /// <summary>Starts a new instance of the service with the fixture's settings and <paramref name="overrides"/>.</summary>
    public async Task<WebApplicationFactory<Program>> StartAsync(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(await GetSettingsAsync());
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
    }
#if (usesContainers)

    public async ValueTask InitializeAsync()
    {
#if (usePostgres && useRedis)
        await Task.WhenAll(_postgres.InitializeAsync().AsTask(), _redis.InitializeAsync().AsTask());
#elif (usePostgres)
        await _postgres.InitializeAsync();
#else
        await _redis.InitializeAsync();
#endif
        if (!(await DockerEngine.GetStatusAsync()).IsUsable)
        {
            return;
        }

#if (usePostgres)
        _settings["ConnectionStrings:db"] = await _postgres.GetConnectionStringAsync();
#endif
#if (useRedis)
        _settings["ConnectionStrings:cache"] = await _redis.GetConnectionStringAsync();
#endif
    }

    public async ValueTask DisposeAsync()
    {
#if (useRedis)
        await _redis.DisposeAsync();
#endif
#if (usePostgres)
        await _postgres.DisposeAsync();
#endif
    }
#endif
}
