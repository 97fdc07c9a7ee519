namespace GoldenPath.Testing;

/// <summary>
/// The container images that golden-path tests and app hosts start. Official images by default; an
/// air-gapped machine or a mirror replaces them through environment variables, or, when those are not set, through
/// the choice <c>./build.sh prereqs</c> recorded in the repository's <c>artifacts/images.env</c> (found from the
/// test's folder), so that a plain <c>dotnet test</c> uses it too.
/// </summary>
public static class ContainerImages
{
    /// <summary>The environment variable that replaces the PostgreSQL image.</summary>
    public const string PostgresVariable = "GOLDENPATH_POSTGRES_IMAGE";

    /// <summary>The Testcontainers variable that turns its resource reaper (Ryuk, an image of its own) off.</summary>
    private const string RyukDisabledVariable = "TESTCONTAINERS_RYUK_DISABLED";

    /// <summary>The environment variable that replaces the Redis image.</summary>
    public const string RedisVariable = "GOLDENPATH_REDIS_IMAGE";

    /// <summary>The official PostgreSQL image used when <see cref="PostgresVariable"/> is not set.</summary>
    public const string DefaultPostgres = "docker.io/library/postgres:17";

    /// <summary>The official Redis image used when <see cref="RedisVariable"/> is not set.</summary>
    public const string DefaultRedis = "docker.io/library/redis:7.4";

    /// <summary>Gets the PostgreSQL image to start: <see cref="PostgresVariable"/> when set (empty: the official image), else the recorded choice, else the official image.</summary>
    public static string Postgres => FromEnvironment(PostgresVariable, DefaultPostgres);

    /// <summary>Gets the Redis image to start: <see cref="RedisVariable"/> when set (empty: the official image), else the recorded choice, else the official image.</summary>
    public static string Redis => FromEnvironment(RedisVariable, DefaultRedis);

    /// <summary>
    /// Turns Testcontainers' resource reaper off when <c>./build.sh prereqs</c> recorded that its image cannot be pulled
    /// and <c>TESTCONTAINERS_RYUK_DISABLED</c> is not set; the fixtures call it before they start a container.
    /// </summary>
    internal static void ApplyRecordedReaperSetting()
    {
        if (Environment.GetEnvironmentVariable(RyukDisabledVariable) is null
            && Recorded().TryGetValue(RyukDisabledVariable, out var disabled) && string.Equals(disabled, "true", StringComparison.OrdinalIgnoreCase))
        {
            DotNet.Testcontainers.Configurations.TestcontainersSettings.ResourceReaperEnabled = false;
        }
    }

    private static IReadOnlyDictionary<string, string> Recorded() => ImageSettings.Recorded(AppContext.BaseDirectory, Directory.GetCurrentDirectory());

    private static string FromEnvironment(string variable, string fallback)
    {
        var value = ImageSettings.Resolve(Environment.GetEnvironmentVariable, variable, AppContext.BaseDirectory, Directory.GetCurrentDirectory());
        return string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
    }
}
