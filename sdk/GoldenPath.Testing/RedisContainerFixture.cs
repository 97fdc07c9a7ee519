using Testcontainers.Redis;
using Xunit;

namespace GoldenPath.Testing;

/// <summary>
/// A Redis server in a container for a test class or collection (<c>IClassFixture&lt;RedisContainerFixture&gt;</c>),
/// started from <see cref="ContainerImages.Redis"/> and removed afterwards.
/// </summary>
/// <remarks>
/// When no Docker engine answers, the fixture starts nothing; the first test that asks for
/// <see cref="GetConnectionStringAsync"/> or <see cref="GetContainerAsync"/> then fails (in CI) or is skipped
/// (elsewhere), as <see cref="DockerEngine.RequireAsync"/> describes.
/// </remarks>
public class RedisContainerFixture : IAsyncLifetime
{
    private RedisContainer? _container;

    /// <summary>Gets the image the container starts from.</summary>
    public string Image { get; } = ContainerImages.Redis;

    /// <summary>Returns the running container, after making sure a Docker engine answers.</summary>
    /// <returns>The container, for tests that pause, stop or restart it.</returns>
    public async Task<RedisContainer> GetContainerAsync()
    {
        await DockerEngine.RequireAsync().ConfigureAwait(false);
        return _container ?? throw new InvalidOperationException(
            $"The Redis container ({Image}) was not started. Use {nameof(RedisContainerFixture)} as an xunit fixture so that InitializeAsync runs.");
    }

    /// <summary>Returns the StackExchange.Redis connection string of the running container.</summary>
    /// <returns>A connection string such as <c>127.0.0.1:49154</c>.</returns>
    public async Task<string> GetConnectionStringAsync() => (await GetContainerAsync().ConfigureAwait(false)).GetConnectionString();

    /// <summary>Lets a derived fixture change the container before it starts.</summary>
    /// <param name="builder">The builder with the image set.</param>
    /// <returns>The builder to build the container from.</returns>
    protected virtual RedisBuilder Configure(RedisBuilder builder) => builder;

    /// <inheritdoc />
    public virtual async ValueTask InitializeAsync()
    {
        if (!(await DockerEngine.GetStatusAsync().ConfigureAwait(false)).IsUsable)
        {
            return;
        }

        ContainerImages.ApplyRecordedReaperSetting();
        _container = Configure(new RedisBuilder(Image)).Build();
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
