using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Serialization.Metadata;
using GoldenPath.Catalog.Contracts;

namespace GoldenPath.Catalog.Client;

/// <summary>
/// A typed client for the GoldenPath platform API (v1). Give it an <see cref="HttpClient"/> whose
/// <see cref="HttpClient.BaseAddress"/> is the platform's URL and that sends the bearer token
/// (GoldenPath.ServiceDefaults registers one configured from <c>GoldenPath:Platform</c>).
/// </summary>
/// <param name="http">The HTTP client.</param>
public partial class PlatformClient(HttpClient http)
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

    /// <summary>
    /// Lists the whole catalog (<c>GET /api/v1/services</c>): asks for pages of 500 services and follows the platform's
    /// <c>Link: rel="next"</c> header until it is absent, whatever page size the platform answers with.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Every service, in name order.</returns>
    /// <exception cref="PlatformApiException">The platform failed a page, or its next link led back to a page already read.</exception>
    public async Task<IReadOnlyList<ServiceDescription>> ListServicesAsync(CancellationToken cancellationToken = default)
    {
        var services = new List<ServiceDescription>();
        var read = new HashSet<Uri>();
        Uri? next = new("api/v1/services?limit=500", UriKind.Relative);
        while (next is not null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, next);
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, request, cancellationToken).ConfigureAwait(false);
            services.AddRange(await response.Content.ReadFromJsonAsync(s_json.IReadOnlyListServiceDescription, cancellationToken).ConfigureAwait(false)
                ?? throw new PlatformApiException($"The platform answered GET {request.RequestUri} with an empty body."));
            read.Add(request.RequestUri!);
            next = NextLink(response);
            if (next is not null && read.Contains(next))
            {
                throw new PlatformApiException($"The platform's next link from GET {request.RequestUri} leads back to {next}, a page already read; the list would never end.");
            }
        }

        return services;
    }

    /// <summary>Registers an instance or sends its heartbeat (<c>PUT /api/v1/services/{name}/instances/{instanceId}</c>).</summary>
    /// <param name="name">The service name.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="registration">The instance's registration.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The instance as the platform recorded it.</returns>
    /// <exception cref="PlatformApiException">With <see cref="HttpStatusCode.NotFound"/> when the platform does not know the service (register it with <see cref="UpsertServiceAsync"/> first).</exception>
    public Task<ServiceInstance> PutInstanceAsync(string name, string instanceId, InstanceRegistration registration, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"api/v1/services/{Escape(name)}/instances/{Escape(instanceId)}", registration, s_json.InstanceRegistration, s_json.ServiceInstance, cancellationToken);

    /// <summary>
    /// Registers an instance or sends its heartbeat as <see cref="PutInstanceAsync"/> does, without reading the instance
    /// the platform answers with: what a heartbeat needs. Its JSON is written in one piece before the call, and no
    /// answer is parsed unless it is an error, so a service's first registration builds less at start-up.
    /// </summary>
    /// <param name="name">The service name.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="registration">The instance's registration.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the platform has taken the registration.</returns>
    /// <exception cref="PlatformApiException">The platform refused or failed the registration.</exception>
    public async Task SendInstanceAsync(string name, string instanceId, InstanceRegistration registration, CancellationToken cancellationToken = default)
    {
        var body = new ByteArrayContent(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(registration, s_json.InstanceRegistration));
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/v1/services/{Escape(name)}/instances/{Escape(instanceId)}") { Content = body };
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, request, cancellationToken).ConfigureAwait(false);
    }

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

    /// <summary>Reports a deployment (<c>POST /api/v1/deployments</c>); reporting the same event again is safe.</summary>
    /// <param name="deployment">The deployment event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The deployment as recorded.</returns>
    /// <exception cref="PlatformApiException">With <see cref="HttpStatusCode.Conflict"/> when a different event with the same id was reported before.</exception>
    public Task<DeploymentRecord> ReportDeploymentAsync(DeploymentEvent deployment, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "api/v1/deployments", deployment, s_json.DeploymentEvent, s_json.DeploymentRecord, cancellationToken);

    /// <summary>Lists deployments, newest first (<c>GET /api/v1/deployments</c>).</summary>
    /// <param name="service">Only this service's, when set.</param>
    /// <param name="environment">Only to this environment, when set.</param>
    /// <param name="limit">The most to return.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The deployments.</returns>
    public Task<IReadOnlyList<DeploymentRecord>> ListDeploymentsAsync(string? service = null, string? environment = null, int limit = 100, CancellationToken cancellationToken = default) =>
        SendAsync<object, IReadOnlyList<DeploymentRecord>>(HttpMethod.Get, $"api/v1/deployments{Query(("service", service), ("environment", environment), ("limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)))}",
            null, null, s_json.IReadOnlyListDeploymentRecord, cancellationToken);

    /// <summary>Opens an incident (<c>POST /api/v1/incidents</c>).</summary>
    /// <param name="incident">The incident.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The incident as recorded, with its id.</returns>
    public Task<IncidentRecord> OpenIncidentAsync(IncidentRequest incident, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "api/v1/incidents", incident, s_json.IncidentRequest, s_json.IncidentRecord, cancellationToken);

    /// <summary>Changes an incident of a service (<c>PATCH /api/v1/incidents/{id}?service=</c>), e.g. resolves it; incident ids are unique per service.</summary>
    /// <param name="service">The incident's service.</param>
    /// <param name="id">The incident id.</param>
    /// <param name="patch">The fields to change.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The incident as recorded.</returns>
    public Task<IncidentRecord> PatchIncidentAsync(string service, string id, IncidentPatch patch, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, $"api/v1/incidents/{Escape(id)}{Query(("service", service))}", patch, s_json.IncidentPatch, s_json.IncidentRecord, cancellationToken);

    /// <summary>Changes an incident (<c>PATCH /api/v1/incidents/{id}</c>), e.g. resolves it; the id is looked up among the incidents of the token's team's services.</summary>
    /// <param name="id">The incident id.</param>
    /// <param name="patch">The fields to change.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The incident as recorded.</returns>
    public Task<IncidentRecord> PatchIncidentAsync(string id, IncidentPatch patch, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, $"api/v1/incidents/{Escape(id)}", patch, s_json.IncidentPatch, s_json.IncidentRecord, cancellationToken);

    /// <summary>Reads the DORA metrics (<c>GET /api/v1/dora</c>) of a service, a team, or everything.</summary>
    /// <param name="service">The service, or <see langword="null"/>.</param>
    /// <param name="team">The team, or <see langword="null"/>.</param>
    /// <param name="environment">The environment; by default <see cref="DeploymentEnvironments.Production"/>, where the generated pipeline deploys last.</param>
    /// <param name="days">The window in days.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The report.</returns>
    public Task<DoraReport> GetDoraAsync(string? service = null, string? team = null, string environment = DeploymentEnvironments.Production, int days = 30, CancellationToken cancellationToken = default) =>
        SendAsync<object, DoraReport>(HttpMethod.Get,
            $"api/v1/dora{Query(("service", service), ("team", team), ("environment", environment), ("days", days.ToString(System.Globalization.CultureInfo.InvariantCulture)))}",
            null, null, s_json.DoraReport, cancellationToken);

    /// <summary>Reads a service's scorecard (<c>GET /api/v1/scorecards/{name}</c>).</summary>
    /// <param name="name">The service name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The scorecard.</returns>
    public Task<Scorecard> GetScorecardAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<object, Scorecard>(HttpMethod.Get, $"api/v1/scorecards/{Escape(name)}", null, null, s_json.Scorecard, cancellationToken);

    /// <summary>Reads a service's objectives and remaining error budgets (<c>GET /api/v1/services/{name}/slos</c>; the platform reads them from its Prometheus).</summary>
    /// <param name="name">The service.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The objectives.</returns>
    public Task<ServiceObjectives> GetObjectivesAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<object, ServiceObjectives>(HttpMethod.Get, $"api/v1/services/{Escape(name)}/slos", null, null, s_json.ServiceObjectives, cancellationToken);

    /// <summary>Requests a team's environment (<c>POST /api/v1/environments</c>) and returns its manifests.</summary>
    /// <param name="request">The environment.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The environment with its manifests.</returns>
    public Task<EnvironmentRecord> RequestEnvironmentAsync(EnvironmentRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "api/v1/environments", request, s_json.EnvironmentRequest, s_json.EnvironmentRecord, cancellationToken);

    /// <summary>Creates a token for a team (<c>POST /api/v1/tokens</c>, admin only).</summary>
    /// <param name="request">The token's team and scopes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token; its secret is shown only here.</returns>
    public Task<TokenCreated> CreateTokenAsync(TokenRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "api/v1/tokens", request, s_json.TokenRequest, s_json.TokenCreated, cancellationToken);

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

    /// <summary>The target of the response's RFC 8288 <c>Link</c> with <c>rel="next"</c>, resolved against the request's URI.</summary>
    private static Uri? NextLink(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Link", out var values)
            ? values.SelectMany(v => NextLinkPattern().Matches(v)).Select(m => new Uri(response.RequestMessage!.RequestUri!, m.Groups["target"].Value)).FirstOrDefault()
            : null;

    [GeneratedRegex("""<(?<target>[^>]*)>\s*;\s*rel="?next"?""", RegexOptions.CultureInvariant)]
    private static partial Regex NextLinkPattern();

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string Query(params (string Key, string? Value)[] parameters)
    {
        var set = parameters.Where(p => p.Value is not null).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}").ToList();
        return set.Count == 0 ? "" : "?" + string.Join("&", set);
    }
}
