using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Auth;

/// <summary>
/// Believes <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> only from the proxies in
/// <see cref="PlatformOptions.TrustedProxies"/>, so that the client address that failed authentications and anonymous
/// requests are counted for is the real client's and cannot be chosen by the client. ASP.NET Core's own switch
/// (<c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c>, which Aspire sets on every project it publishes) believes any peer;
/// the platform narrows it to the listed proxies, or to none when the list is empty.
/// </summary>
internal static class TrustedProxies
{
    /// <summary>The configuration key of ASP.NET Core's switch, as its host reads it.</summary>
    private const string HostSwitch = "ForwardedHeaders_Enabled";

    public static IServiceCollection AddTrustedProxies(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().PostConfigure<IOptions<PlatformOptions>>((forwarded, platform) =>
        {
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            var proxies = platform.Value.TrustedProxies;
            // Both lists empty would mean "believe every peer" to the middleware: with no trusted proxy, believe nobody.
            forwarded.ForwardedHeaders = proxies.Count == 0 ? ForwardedHeaders.None : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Walk the chain of trusted proxies back to the first address that is not one: that is the client.
            forwarded.ForwardLimit = null;
            foreach (var proxy in proxies)
            {
                if (IPNetwork.TryParse(proxy, out var network) && proxy.Contains('/', StringComparison.Ordinal))
                {
                    forwarded.KnownIPNetworks.Add(network);
                }
                else if (IPAddress.TryParse(proxy, out var address))
                {
                    forwarded.KnownProxies.Add(address);
                }
            }
        });
        services.AddTransient<IStartupFilter, ForwardedHeadersFilter>();
        services.AddSingleton<IValidateOptions<PlatformOptions>, Validator>();
        return services;
    }

    /// <summary>The problem with an entry of <see cref="PlatformOptions.TrustedProxies"/>, or null when it is an address or a network.</summary>
    private static string? Problem(string proxy) =>
        proxy.Contains('/', StringComparison.Ordinal)
            ? IPNetwork.TryParse(proxy, out _) ? null : $"'{proxy}' is not a network: write its first address and prefix length, e.g. '10.244.0.0/16' or 'fd00::/8'"
            : IPAddress.TryParse(proxy, out _) ? null : $"'{proxy}' is not an IP address: write the proxy's address, e.g. '10.0.0.5', or its network, e.g. '10.244.0.0/16'";

    /// <summary>Runs the forwarded headers middleware first, unless ASP.NET Core's own switch already does (with the options above).</summary>
    private sealed class ForwardedHeadersFilter(IConfiguration configuration, IOptions<PlatformOptions> platform) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) =>
            platform.Value.TrustedProxies.Count == 0 || string.Equals("true", configuration[HostSwitch], StringComparison.OrdinalIgnoreCase)
                ? next
                : app =>
                {
                    app.UseForwardedHeaders();
                    next(app);
                };
    }

    /// <summary>Stops the platform at start on an entry that is neither an address nor a network, naming it.</summary>
    private sealed class Validator : IValidateOptions<PlatformOptions>
    {
        public ValidateOptionsResult Validate(string? name, PlatformOptions options)
        {
            var problems = options.TrustedProxies.Select(Problem).OfType<string>().Select(p => $"GoldenPath:Platform:TrustedProxies: {p}.").ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
