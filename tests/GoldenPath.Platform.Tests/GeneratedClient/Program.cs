// A consumer of the platform API through the client Kiota generates from the platform's OpenAPI document.
// Usage: PlatformClientProbe <base url> <service name> <owner team's token> <other team's token>
// Prints one line per call: what a test reads.
using GoldenPath.Platform.GeneratedClient;
using GoldenPath.Platform.GeneratedClient.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

var (baseUrl, name, ownerToken, otherToken) = (args[0], args[1], args[2], args[3]);
var owner = Client(ownerToken);
var other = Client(otherToken);

var registered = await owner.Api.V1.Services[name].PutAsync(new ServiceUpsertRequest { Owner = "team-a", Lifecycle = "production", System = "payments" });
Console.WriteLine($"registered {registered?.Name} owner={registered?.Owner}");

var listed = await owner.Api.V1.Services.GetAsync(request => request.QueryParameters.Owner = "team-a");
Console.WriteLine($"listed {string.Join(",", listed?.Select(s => s.Name) ?? [])}");

try
{
    await other.Api.V1.Services[name].PutAsync(new ServiceUpsertRequest { Owner = "team-b", Lifecycle = "production" });
    Console.WriteLine("taken over");
}
catch (ProblemDetails problem)
{
    Console.WriteLine($"refused {problem.ResponseStatusCode} status={problem.Status} title={problem.Title} detail={problem.Detail}");
}

try
{
    await owner.Api.V1.Scorecards[$"{name}-missing"].GetAsync();
    Console.WriteLine("found");
}
catch (ProblemDetails problem)
{
    Console.WriteLine($"missing {problem.ResponseStatusCode} detail={problem.Detail}");
}

try
{
    await Client("gpt_not-a-token").Api.V1.Services.GetAsync();
    Console.WriteLine("read without a valid token");
}
catch (ProblemDetails problem)
{
    Console.WriteLine($"unauthenticated {problem.ResponseStatusCode} detail={problem.Detail}");
}

PlatformApiClient Client(string token) =>
    new(new HttpClientRequestAdapter(new BaseBearerTokenAuthenticationProvider(new StaticToken(token))) { BaseUrl = baseUrl });

/// <summary>A platform token: the platform's tokens are opaque secrets, not OAuth grants.</summary>
internal sealed class StaticToken(string token) : IAccessTokenProvider
{
    public AllowedHostsValidator AllowedHostsValidator { get; } = new();

    public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(token);
}
