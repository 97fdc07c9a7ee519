using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Aspire.Hosting.ApplicationModel;
using GoldenPath.Catalog.Client;
using GoldenPath.Catalog.Contracts;

namespace GoldenPath.Hosting;

/// <summary>
/// The tokens the local app host hands its services: one per team, scope <c>instances:write</c>, created at start from
/// the platform the app host runs, with the admin token that only the app host (the operator) and the platform hold.
/// </summary>
internal sealed class GoldenPathPlatformTokens(ProjectResource platform, ParameterResource adminToken) : IResourceAnnotation
{
    /// <summary>The scope a service's token carries: its team's instances, nothing else.</summary>
    public const string ServiceScope = "instances:write";

    private static readonly TimeSpan s_patience = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _tokens = new(StringComparer.Ordinal);

    /// <summary>The token of <paramref name="team"/>, created once per run of the app host (again after a failed attempt).</summary>
    public async Task<string> GetAsync(string team, CancellationToken cancellationToken)
    {
        var token = _tokens.GetOrAdd(team, t => new Lazy<Task<string>>(() => CreateAsync(t, cancellationToken)));
        try
        {
            return await token.Value.ConfigureAwait(false);
        }
        catch
        {
            _tokens.TryRemove(KeyValuePair.Create(team, token));
            throw;
        }
    }

    private async Task<string> CreateAsync(string team, CancellationToken cancellationToken)
    {
        var url = await platform.GetEndpoint("http").GetValueAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The platform resource '{platform.Name}' has no http endpoint allocated yet.");
        using var http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await adminToken.GetValueAsync(cancellationToken).ConfigureAwait(false));
        var client = new PlatformClient(http);
        var deadline = DateTimeOffset.UtcNow + s_patience;
        while (true)
        {
            try
            {
                var created = await client.CreateTokenAsync(new TokenRequest(team, [ServiceScope], $"app host: the services of {team}"), cancellationToken).ConfigureAwait(false);
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
