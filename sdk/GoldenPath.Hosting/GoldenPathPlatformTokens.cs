using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Aspire.Hosting.ApplicationModel;
using GoldenPath.Catalog.Client;
using GoldenPath.Catalog.Contracts;

namespace GoldenPath.Hosting;

/// <summary>
/// The tokens the local app host creates from the platform it runs, with the admin token that only the app host (the
/// operator) and the platform hold: one per team and scope. Services get their team's <c>instances:write</c> token; the
/// app host keeps each team's <c>deployments:write</c> token to itself, to report the services' starts as deployments.
/// </summary>
internal sealed class GoldenPathPlatformTokens(ProjectResource platform, ParameterResource adminToken) : IResourceAnnotation
{
    /// <summary>The scope a service's token carries: its team's instances, nothing else.</summary>
    public const string ServiceScope = "instances:write";

    /// <summary>The scope of the token the app host reports a team's local deployments with: its deployments, nothing else.</summary>
    public const string DeploymentsScope = "deployments:write";

    private static readonly TimeSpan s_patience = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _tokens = new(StringComparer.Ordinal);

    /// <summary>The service token of <paramref name="team"/> (<see cref="ServiceScope"/>), created once per run of the app host (again after a failed attempt).</summary>
    public Task<string> GetAsync(string team, CancellationToken cancellationToken) => GetAsync(team, ServiceScope, cancellationToken);

    /// <summary>The token of <paramref name="team"/> with <paramref name="scope"/> alone, created once per run of the app host (again after a failed attempt).</summary>
    public async Task<string> GetAsync(string team, string scope, CancellationToken cancellationToken)
    {
        var key = $"{team} {scope}";
        var token = _tokens.GetOrAdd(key, _ => new Lazy<Task<string>>(() => CreateAsync(team, scope, cancellationToken)));
        try
        {
            return await token.Value.ConfigureAwait(false);
        }
        catch
        {
            _tokens.TryRemove(KeyValuePair.Create(key, token));
            throw;
        }
    }

    /// <summary>An HTTP client of the platform the app host runs, at its allocated address.</summary>
    public async Task<HttpClient> CreateClientAsync(string? bearer, CancellationToken cancellationToken)
    {
        var url = await platform.GetEndpoint("http").GetValueAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The platform resource '{platform.Name}' has no http endpoint allocated yet.");
        var http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/") };
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return http;
    }

    private async Task<string> CreateAsync(string team, string scope, CancellationToken cancellationToken)
    {
        using var http = await CreateClientAsync(await adminToken.GetValueAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var client = new PlatformClient(http);
        var deadline = DateTimeOffset.UtcNow + s_patience;
        while (true)
        {
            try
            {
                var created = await client.CreateTokenAsync(new TokenRequest(team, [scope], scope == ServiceScope ? $"app host: the services of {team}" : $"app host: {scope} for the services of {team}"), cancellationToken).ConfigureAwait(false);
                return created.Token;
            }
            catch (Exception exception) when (exception is HttpRequestException or PlatformApiException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError }
                && DateTimeOffset.UtcNow < deadline)
            {
                // The platform is still starting: services wait for it, but its first answers may still fail.
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
