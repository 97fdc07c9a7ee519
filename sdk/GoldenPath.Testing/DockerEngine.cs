using Docker.DotNet;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using Xunit;

namespace GoldenPath.Testing;

/// <summary>
/// Decides what a test that needs containers does when no Docker engine answers: with <c>CI=true</c> it
/// fails with the cause, because a CI run that silently skips its container tests proves nothing; on a
/// developer's machine it is skipped with a reason that says how to get an engine.
/// </summary>
public static class DockerEngine
{
    /// <summary>The lowest Docker Engine API version Testcontainers 4.x accepts.</summary>
    public static readonly Version MinimumApiVersion = new(1, 44);

    private static readonly Lazy<Task<DockerEngineStatus>> s_status = new(ProbeAsync);

    /// <summary>Gets whether the tests run in CI (<c>CI=true</c>), where a missing engine is a failure, not a skip.</summary>
    public static bool IsContinuousIntegration =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Finds out, once per process, whether a Docker engine answers and which API version it speaks.</summary>
    /// <returns>The engine's status.</returns>
    public static Task<DockerEngineStatus> GetStatusAsync() => s_status.Value;

    /// <summary>
    /// Returns when a usable Docker engine answers; otherwise fails the current test (in CI) or skips it
    /// (elsewhere) with the cause and what to do about it.
    /// </summary>
    /// <returns>A task that completes when the engine is usable.</returns>
    public static async Task RequireAsync()
    {
        var status = await GetStatusAsync().ConfigureAwait(false);
        if (status.IsUsable)
        {
            return;
        }

        if (IsContinuousIntegration)
        {
            throw new InvalidOperationException(
                $"{status.Problem} CI=true, so this container test fails instead of being skipped. " +
                "Run ./build.sh prereqs (it installs and starts an engine on Debian) before the tests.");
        }

        Assert.Skip(
            $"{status.Problem} Start Docker (or run ./build.sh prereqs, which installs one on Debian as root) " +
            "to run this container test.");
    }

    private static async Task<DockerEngineStatus> ProbeAsync()
    {
        Uri? endpoint = null;
        try
        {
            // Testcontainers resolves the endpoint as it will for the containers (DOCKER_HOST, docker
            // context, ~/.testcontainers.properties, the default socket) and leaves it null when none answers.
            var auth = TestcontainersSettings.OS.DockerEndpointAuthConfig;
            if (auth is null)
            {
                return new DockerEngineStatus(null, null,
                    "No Docker engine answers on this machine (DOCKER_HOST is not set and no docker socket answered).");
            }

            endpoint = auth.Endpoint;
            using var client = auth.GetDockerClientBuilder(Guid.NewGuid()).Build();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var version = await client.System.GetVersionAsync(timeout.Token).ConfigureAwait(false);
            var api = Version.Parse(version.APIVersion);
            return api >= MinimumApiVersion
                ? new DockerEngineStatus(endpoint, api, null)
                : new DockerEngineStatus(endpoint, api,
                    $"The Docker engine at {endpoint} speaks API {api}; Testcontainers needs {MinimumApiVersion} or newer (Docker 25+).");
        }
        catch (Exception exception) when (exception is DockerUnavailableException or DockerApiException
            or HttpRequestException or IOException or TimeoutException or OperationCanceledException
            or System.Net.Sockets.SocketException)
        {
            var where = endpoint is null ? "on this machine (no DOCKER_HOST, no docker socket found)" : $"at {endpoint}";
            return new DockerEngineStatus(endpoint, null, $"No Docker engine answers {where}: {exception.GetBaseException().Message}");
        }
    }
}

/// <summary>Whether a Docker engine answers, and if not, why.</summary>
/// <param name="Endpoint">Where the engine was looked for, when one was configured or found.</param>
/// <param name="ApiVersion">The API version the engine speaks, when it answered.</param>
/// <param name="Problem">Why the engine cannot be used; <see langword="null"/> when it can.</param>
public sealed record DockerEngineStatus(Uri? Endpoint, Version? ApiVersion, string? Problem)
{
    /// <summary>Gets whether containers can be started.</summary>
    public bool IsUsable => Problem is null;
}
