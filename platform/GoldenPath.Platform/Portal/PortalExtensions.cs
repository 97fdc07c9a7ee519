namespace GoldenPath.Platform.Portal;

/// <summary>Wires the portal: server-rendered pages under <c>/portal</c> next to the API, with the same authorization.</summary>
internal static class PortalExtensions
{
    /// <summary>No script runs on a page, nothing is framed, and forms post only to the platform.</summary>
    private const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IHostApplicationBuilder AddPlatformPortal(this IHostApplicationBuilder builder)
    {
        builder.AddPortalAuthentication();
        builder.Services.ConfigurePortalPolicy();
        builder.Services.AddRazorPages(options =>
        {
            options.RootDirectory = "/Portal";
            options.Conventions.AuthorizeFolder("/", PortalAuthentication.Policy);
            options.Conventions.AllowAnonymousToPage("/SignIn");
            options.Conventions.AllowAnonymousToPage("/SignOut");
        });
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "goldenpath-portal-antiforgery";
            options.Cookie.Path = "/portal";
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.FormFieldName = "__antiforgery";
        });
        builder.Services.AddScoped<PortalData>();
        builder.Services.AddScoped<TokenExchange>();
        return builder;
    }

    public static WebApplication MapPlatformPortal(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/portal"))
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.CacheControl = "no-cache, no-store";
                headers.Pragma = "no-cache";
                headers["Referrer-Policy"] = "no-referrer";
            }

            return next(context);
        });
        app.MapRazorPages().RequireRateLimiting(Policies.Reads);
        return app;
    }
}
