using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using GoldenPath.Catalog.Contracts;

namespace GoldenPath.Catalog.Client;

/// <summary>
/// A typed client for the GoldenPath platform API (v1). Give it an <see cref="HttpClient"/> whose
/// <see cref="HttpClient.BaseAddress"/> is the platform's URL and that sends the bearer token
/// (GoldenPath.ServiceDefaults registers one configured from <c>GoldenPath:Platform</c>).
/// </summary>
/// <param name="http">The HTTP client.</param>
public class PlatformClient(HttpClient http)
{
    private static readonly PlatformJsonContext s_json = PlatformJsonContext.Default;

    /// <summary>Creates or updates a service's catalog entry (<c>PUT /api/v1/services/{name}</c>).</summary>
    /// <param name="name">The service name.</param>
    /// <param name="request">The entry.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry as stored.</returns>
    public Task<ServiceDescription> UpsertServiceAsync(string name, ServiceUpsertRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"api/v1/services/{Escape(name)}", request, s_json.ServiceUpsertRequest, s_json.ServiceDescription, cancellationToken);

    /// <summary>Reads a service's catalog entry (<c>GET /api/v1/services/{name}</c>).</summary>
    /// <param name="name">The service name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry, or <see langword="null"/> when the platform does not know the service.</returns>
    public async Task<ServiceDescription?> GetServiceAsync(string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return await SendAsync<object, ServiceDescription>(HttpMethod.Get, $"api/v1/services/{Escape(name)}", null, null, s_json.ServiceDescription, cancellationToken).ConfigureAwait(false);
        }
        catch (PlatformApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Lists the catalog (<c>GET /api/v1/services</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Every service.</returns>
    public Task<IReadOnlyList<ServiceDescription>> ListServicesAsync(CancellationToken cancellationToken = default) =>
        SendAsync<object, IReadOnlyList<ServiceDescription>>(HttpMethod.Get, "api/v1/services", null, null, s_json.IReadOnlyListServiceDescription, cancellationToken);

    /// <summary>Registers an instance or sends its heartbeat (<c>PUT /api/v1/services/{name}/instances/{instanceId}</c>).</summary>
    /// <param name="name">The service name.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="registration">The instance's registration.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The instance as the platform recorded it.</returns>
    /// <exception cref="PlatformApiException">With <see cref="HttpStatusCode.NotFound"/> when the platform does not know the service (register it with <see cref="UpsertServiceAsync"/> first).</exception>
    public Task<ServiceInstance> PutInstanceAsync(string name, string instanceId, InstanceRegistration registration, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"api/v1/services/{Escape(name)}/instances/{Escape(instanceId)}", registration, s_json.InstanceRegistration, s_json.ServiceInstance, cancellationToken);

    /// <summary>Deregisters an instance (<c>DELETE /api/v1/services/{name}/instances/{instanceId}</c>); an unknown instance is not an error.</summary>
    /// <param name="name">The service name.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the platform has forgotten the instance.</returns>
    public async Task DeleteInstanceAsync(string name, string instanceId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"api/v1/services/{Escape(name)}/instances/{Escape(instanceId)}");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            await EnsureSuccessAsync(response, request, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends a request with an optional JSON body and reads a JSON answer.</summary>
    /// <typeparam name="TRequest">The body's type.</typeparam>
    /// <typeparam name="TResponse">The answer's type.</typeparam>
    /// <param name="method">The method.</param>
    /// <param name="path">The path, relative to the platform's URL.</param>
    /// <param name="body">The body, or <see langword="null"/>.</param>
    /// <param name="bodyType">The body's JSON metadata.</param>
    /// <param name="responseType">The answer's JSON metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    protected async Task<TResponse> SendAsync<TRequest, TResponse>(HttpMethod method, string path, TRequest? body,
        JsonTypeInfo<TRequest>? bodyType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null && bodyType is not null)
        {
            request.Content = JsonContent.Create(body, bodyType);
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, request, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(responseType, cancellationToken).ConfigureAwait(false)
            ?? throw new PlatformApiException($"The platform answered {method} {path} with an empty body.");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        PlatformProblem? problem = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync(s_json.PlatformProblem, cancellationToken).ConfigureAwait(false);
            }
            catch (System.Text.Json.JsonException)
            {
                // An error body that is not a problem document: the status code alone is reported.
            }
        }

        throw new PlatformApiException(response.StatusCode, problem, $"{request.Method} {request.RequestUri}");
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}
