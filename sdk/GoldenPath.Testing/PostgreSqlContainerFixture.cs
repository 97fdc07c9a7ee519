using Testcontainers.PostgreSql;
using Xunit;

namespace GoldenPath.Testing;

/// <summary>
/// A PostgreSQL server in a container for a test class or collection (<c>IClassFixture&lt;PostgreSqlContainerFixture&gt;</c>),
/// started from <see cref="ContainerImages.Postgres"/> and removed afterwards.
/// </summary>
/// <remarks>
/// When no Docker engine answers, the fixture starts nothing; the first test that asks for
/// <see cref="GetConnectionStringAsync"/> or <see cref="GetContainerAsync"/> then fails (in CI) or is skipped
/// (elsewhere), as <see cref="DockerEngine.RequireAsync"/> describes.
/// </remarks>
public class PostgreSqlContainerFixture : IAsyncLifetime
{
    private PostgreSqlContainer? _container;

    /// <summary>Gets the database the container creates.</summary>
    public virtual string Database => "goldenpath";

    /// <summary>Gets the image the container starts from.</summary>
    public string Image { get; } = ContainerImages.Postgres;

    /// <summary>Returns the running container, after making sure a Docker engine answers.</summary>
    /// <returns>The container, for tests that pause, stop or restart it.</returns>
    public async Task<PostgreSqlContainer> GetContainerAsync()
    {
        await DockerEngine.RequireAsync().ConfigureAwait(false);
        return _container ?? throw new InvalidOperationException(
            $"The PostgreSQL container ({Image}) was not started. Use {nameof(PostgreSqlContainerFixture)} as an xunit fixture so that InitializeAsync runs.");
    }

    /// <summary>Returns the connection string of the running container's database.</summary>
    /// <returns>An Npgsql connection string.</returns>
    public async Task<string> GetConnectionStringAsync() => (await GetContainerAsync().ConfigureAwait(false)).GetConnectionString();

    /// <summary>Lets a derived fixture change the container before it starts (settings, init scripts).</summary>
    /// <param name="builder">The builder with the image and database set.</param>
    /// <returns>The builder to build the container from.</returns>
    protected virtual PostgreSqlBuilder Configure(PostgreSqlBuilder builder) => builder;

    /// <inheritdoc />
    public virtual async ValueTask InitializeAsync()
    {
        if (!(await DockerEngine.GetStatusAsync().ConfigureAwait(false)).IsUsable)
        {
            return;
        }

        ContainerImages.ApplyRecordedReaperSetting();
        _container = Configure(new PostgreSqlBuilder(Image).WithDatabase(Database)).Build();
        await _container.StartAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public virtual async ValueTask DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }
}
