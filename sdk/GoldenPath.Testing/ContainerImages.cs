namespace GoldenPath.Testing;

/// <summary>
/// The container images that golden-path tests and app hosts start. Official images by default; an
/// air-gapped machine or a mirror replaces them through environment variables, which
/// <c>./build.sh prereqs</c> writes to <c>artifacts/images.env</c>.
/// </summary>
public static class ContainerImages
{
    /// <summary>The environment variable that replaces the PostgreSQL image.</summary>
    public const string PostgresVariable = "GOLDENPATH_POSTGRES_IMAGE";

    /// <summary>The environment variable that replaces the Redis image.</summary>
    public const string RedisVariable = "GOLDENPATH_REDIS_IMAGE";

    /// <summary>The official PostgreSQL image used when <see cref="PostgresVariable"/> is not set.</summary>
    public const string DefaultPostgres = "docker.io/library/postgres:17";

    /// <summary>The official Redis image used when <see cref="RedisVariable"/> is not set.</summary>
    public const string DefaultRedis = "docker.io/library/redis:7.4";

    /// <summary>Gets the PostgreSQL image to start: <see cref="PostgresVariable"/> when set, otherwise the official image.</summary>
    public static string Postgres => FromEnvironment(PostgresVariable, DefaultPostgres);

    /// <summary>Gets the Redis image to start: <see cref="RedisVariable"/> when set, otherwise the official image.</summary>
    public static string Redis => FromEnvironment(RedisVariable, DefaultRedis);

    private static string FromEnvironment(string variable, string fallback)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
    }
}
