using System.Threading.RateLimiting;
using GoldenPath.Platform.Auth;
using GoldenPath.Platform.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.RateLimiting;

namespace GoldenPath.Platform;

/// <summary>Wires the platform: options, authentication, authorization, rate limits, domain services, OpenAPI.</summary>
internal static class PlatformServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddPlatformServices(this IHostApplicationBuilder builder)
    {
        // One instance of the settings, bound and validated once: every part below reads it from IOptions when it is built.
        builder.Services.AddOptions<PlatformOptions>().BindConfiguration(PlatformOptions.SectionName).ValidateOnStart()
            .Validate(o => o.PublicUrl is null || (o.PublicUrl.IsAbsoluteUri && o.PublicUrl.Scheme is "http" or "https"),
                "GoldenPath:Platform:PublicUrl must be an absolute http(s) URL, e.g. https://platform.example.com/.")
            .Validate(o => o.PortalServiceUrl is null || (o.PortalServiceUrl.Contains(FeedContext.NamePlaceholder, StringComparison.Ordinal)
                    && Uri.TryCreate(o.PortalServiceUrl.Replace(FeedContext.NamePlaceholder, "x", StringComparison.Ordinal), UriKind.Absolute, out var portal) && portal.Scheme is "http" or "https"),
                "GoldenPath:Platform:PortalServiceUrl must be an absolute http(s) URL with {name} for the service's name, e.g. https://platform.example.com/portal/services/{name}.")
            .Validate(o => o.InstanceTtl > TimeSpan.Zero, "GoldenPath:Platform:InstanceTtl must be positive, e.g. 00:01:30.")
            .Validate(o => o.BackgroundJobInterval >= TimeSpan.FromSeconds(1), "GoldenPath:Platform:BackgroundJobInterval must be at least a second, e.g. 00:10:00.")
            .Validate(o => o.ScorecardRefreshInterval >= TimeSpan.FromSeconds(1) && o.ScorecardRefreshInterval <= TimeSpan.FromDays(1),
                "GoldenPath:Platform:ScorecardRefreshInterval must be between a second and a day (00:00:01 to 1.00:00:00), e.g. 00:01:00.")
            .Validate(o => o.ShutdownDelay >= TimeSpan.Zero && o.ShutdownDelay <= TimeSpan.FromMinutes(1), "GoldenPath:Platform:ShutdownDelay must be between 00:00:00 and 00:01:00 (inside the pod's grace period), e.g. 00:00:05.")
            .Validate(o => o.WritesPerSecond > 0 && o.WriteBurst > 0, "GoldenPath:Platform:WritesPerSecond and WriteBurst must be positive.")
            .Validate(o => o.ReadsPerSecond > 0 && o.ReadBurst > 0, "GoldenPath:Platform:ReadsPerSecond and ReadBurst must be positive.")
            .Validate(o => o.MaxLiveInstancesPerService > 0, "GoldenPath:Platform:MaxLiveInstancesPerService must be positive, e.g. 500.")
            .Validate(o => o.MaxPageSize is >= 1 and <= Paging.MaxPageSize, $"GoldenPath:Platform:MaxPageSize must be between 1 and {Paging.MaxPageSize}.")
            .Validate(o => o.MaxRequestBodyBytes >= 1024, "GoldenPath:Platform:MaxRequestBodyBytes must be at least 1024.")
            .Validate(o => o.ReservedNamespaces.All(IsNamespaceOrPrefix),
                "GoldenPath:Platform:ReservedNamespaces holds namespace names (lowercase letters, digits and '-') or prefixes ending with '*', e.g. 'observability' or 'shared-*'.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.PortalSignIn.ClaimType) && o.PortalSignIn.PlatformReaders.All(v => !string.IsNullOrWhiteSpace(v))
                    && o.PortalSignIn.TeamReaders.All(t => !string.IsNullOrWhiteSpace(t.Value) && !string.IsNullOrWhiteSpace(t.Team)),
                "GoldenPath:Platform:PortalSignIn needs a ClaimType (e.g. groups), PlatformReaders without empty values, and TeamReaders entries each with a Value " +
                "(the claim's value) and a Team, e.g. GoldenPath__Platform__PortalSignIn__TeamReaders__0__Value=payments-developers, ...__0__Team=payments.")
            .Validate(o => o.FailedAuthenticationBurst > 0 && o.FailedAuthenticationsPerMinute > 0, "GoldenPath:Platform:FailedAuthenticationBurst and FailedAuthenticationsPerMinute must be positive.")
            .Validate(o => string.IsNullOrEmpty(o.BootstrapToken) || o.BootstrapToken.Length >= PlatformOptions.MinimumBootstrapTokenLength,
                $"GoldenPath:Platform:BootstrapToken is shorter than {PlatformOptions.MinimumBootstrapTokenLength} characters: an admin token that short can be guessed. " +
                "Set a random one of at least that length (e.g. 'openssl rand -base64 32'; the GoldenPath app host generates 40), or leave it unset.");
        builder.Services.AddSingleton<IValidateOptions<PlatformOptions>, ScorecardLevelsValidation>();

        builder.Services.AddTrustedProxies();
        builder.Services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddOptions<AuthorizationOptions>().Configure<IOptions<PlatformOptions>>((authorization, platform) => Policies.Add(authorization, platform.Value.AnonymousRead));
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();

        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<PlatformOptions>>((limiter, platform) =>
        {
            var options = platform.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var detail = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Policies.Reads
                    ? $"More than {options.ReadsPerSecond} reads per second (bursts of {options.ReadBurst}) for this token, or for this address without a token (GoldenPath:Platform:ReadsPerSecond, ReadBurst)"
                    : $"More than {options.WritesPerSecond} writes per second (bursts of {options.WriteBurst}) for this token (GoldenPath:Platform:WritesPerSecond, WriteBurst)";
                return new ValueTask(Problems.Write(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
                    $"{detail}; retry after {retryAfter} s (Retry-After)."));
            };
            // Per token (per client address without one), a bucket of `burst` refilled at `perSecond`.
            void AddPerSecondPolicy(string policy, int perSecond, int burst) => limiter.AddPolicy(policy, context => RateLimitPartition.GetTokenBucketLimiter(
                Policies.RateLimitPartition(context),
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = burst,
                    TokensPerPeriod = perSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            AddPerSecondPolicy(Policies.Writes, options.WritesPerSecond, options.WriteBurst);
            AddPerSecondPolicy(Policies.Reads, options.ReadsPerSecond, options.ReadBurst);
        });

        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<PlatformOptions>>((kestrel, platform) => kestrel.Limits.MaxRequestBodySize = platform.Value.MaxRequestBodyBytes);
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<LookupCache>();
        builder.Services.AddSingleton<AuthenticationFailureLimiter>();
        builder.Services.AddScoped<CatalogService>();
        builder.Services.AddScoped<DeploymentService>();
        builder.Services.AddScoped<DoraService>();
        builder.Services.AddScoped<DoraFacts>();
        builder.Services.AddScoped<ScorecardService>();
        builder.Services.AddSingleton<ScorecardLevels>();
        builder.Services.AddScoped<ScorecardResults>();
        // Built only by the writes that use it, not by every heartbeat that reaches the catalog.
        builder.Services.AddScoped(services => new Lazy<ScorecardResults>(services.GetRequiredService<ScorecardResults>));
        builder.Services.AddHostedService<ScorecardRefreshService>();
        builder.Services.AddHttpClient<SloBudgetService>();
        builder.Services.AddScoped<FleetVersionsService>();
        builder.Services.AddScoped<EnvironmentService>();
        builder.Services.AddScoped<TokenService>();
        builder.Services.AddScoped<PlatformStore>();
        builder.Services.AddHostedService<PurgeService>();
        builder.Services.AddSingleton<HeartbeatWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<HeartbeatWriter>());
        builder.Services.AddReplicaLifecycle();
        builder.Services.AddPlatformOpenApi();
        return builder;
    }

    public static WebApplication UsePlatformApi(this WebApplication app)
    {
        // A replica shutting down serves on while requests still arrive (ReplicaLifecycle).
        app.UseShutdownDrain();

        // A request the store could not serve just now is a 503 to retry, not a 500.
        app.UseStoreUnavailableAsRetry();

        // Names, ids and filters in URLs follow the same rule for text as request bodies (RequestText).
        app.Use((context, next) => RequestText.UrlProblem(context.Request) is { } problem
            ? Problems.Write(context, StatusCodes.Status400BadRequest, "Bad request", problem)
            : next(context));
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapOpenApi().AllowAnonymous();

        // Every endpoint of the API is rate-limited as a read unless it names its own policy (writes do).
        var api = app.MapGroup("").RequireRateLimiting(Policies.Reads).ProducesMiddlewareProblems();
        api.MapServicesApi();
        api.MapDeploymentsApi();
        api.MapInsightsApi();
        api.MapFleetApi();
        api.MapAdminApi();
        return app;
    }

    /// <summary>Whether a reserved-namespaces entry is a namespace name, or a prefix of one followed by '*'.</summary>
    private static bool IsNamespaceOrPrefix(string entry)
    {
        var name = entry.EndsWith('*') ? entry[..^1] : entry;
        return name.Length is > 0 and <= 63 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
    }
}
