using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GoldenPath.ServiceDefaults.Registration;

/// <summary>
/// The registration's HTTP client: a client of its own, unless the platform's address is a service-discovery name.
/// </summary>
/// <remarks>
/// <para>
/// A client from <see cref="IHttpClientFactory"/> takes the application's HTTP defaults: the golden path's resilience
/// handler (taken out again for this client, which retries with its own backoff), service discovery, and every handler
/// the application adds with <c>ConfigureHttpClientDefaults</c> — which would see the registration's calls and the
/// team's platform token. Building the factory's client, its handlers and service discovery's resolver also cost every
/// service about 3 MiB of working set at start-up (bench/README.md, the start-up breakdown). So the registration calls
/// the platform with a client of its own (pooled connections renewed every two minutes, so that a new address of the
/// platform is followed), and with the factory's client only when the address is a name that service discovery resolves
/// from configuration (<c>Services:{name}</c>, as in <c>GoldenPath:Platform:Url=http://platform</c> with
/// <c>Services:platform:http:0</c>).
/// </para>
/// </remarks>
internal static class PlatformHttpClient
{
    /// <summary>How long a pooled connection to the platform is kept, as <see cref="IHttpClientFactory"/> renews its handlers.</summary>
    private static readonly TimeSpan s_connectionLifetime = TimeSpan.FromMinutes(2);

    /// <summary>The client: the factory's when <paramref name="discovered"/> (decided with the registration, see <see cref="UsesServiceDiscovery"/>), else one of its own.</summary>
    public static HttpClient Create(IServiceProvider services, bool discovered)
    {
        var options = services.GetRequiredService<IOptions<GoldenPathOptions>>().Value;
        var settings = options.Platform;
        var url = settings.Url!;
        var http = discovered
            ? services.GetRequiredService<IHttpClientFactory>().CreateClient(GoldenPathHostApplicationBuilderExtensions.PlatformHttpClientName)
            : new HttpClient(new UntracedRequestHandler { InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = s_connectionLifetime } });
        http.BaseAddress = new Uri(url.ToString().TrimEnd('/') + "/");
        http.Timeout = settings.RequestTimeout;
        if (!string.IsNullOrEmpty(settings.Token))
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", settings.Token);
        }

        return http;
    }

    /// <summary>Whether service discovery resolves the platform's host: it is on and configuration names the host under <c>Services:</c>.</summary>
    internal static bool UsesServiceDiscovery(Uri url, GoldenPathOptions options, IConfiguration configuration) =>
        !options.Http.DisableServiceDiscovery && configuration.GetSection("Services").GetSection(url.Host).Exists();

    /// <summary>Marks the registration's calls so that they stay out of traces (a heartbeat every 30 s is noise).</summary>
    internal sealed class UntracedRequestHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Options.Set(GoldenPathTelemetry.SuppressTracing, true);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
