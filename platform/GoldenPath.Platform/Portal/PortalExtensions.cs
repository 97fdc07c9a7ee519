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

    /// <summary>
    /// Answers with a small page of the portal that says what happened and links to the sign-in page, for what the
    /// authentication handlers answer themselves (an OpenID Connect callback), with the portal's headers.
    /// </summary>
    public static async Task WriteMessagePageAsync(HttpContext context, int status, string title, string message)
    {
        var response = context.Response;
        response.StatusCode = status;
        SetHeaders(response);
        response.ContentType = "text/html; charset=utf-8";
        var encoder = System.Text.Encodings.Web.HtmlEncoder.Default;
        await response.WriteAsync(
            $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{encoder.Encode(title)} · GoldenPath portal</title></head>" +
            $"<body><main><h1>{encoder.Encode(title)}</h1><p role=\"alert\">{encoder.Encode(message)}</p>" +
            $"<p><a href=\"{PortalAuthentication.SignInPath}\">Sign in</a></p></main></body></html>\n", context.RequestAborted);
    }

    private static void SetHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
        headers["Referrer-Policy"] = "no-referrer";
    }

    public static WebApplication MapPlatformPortal(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/portal"))
            {
                SetHeaders(context.Response);
            }

            return next(context);
        });
        app.MapRazorPages().RequireRateLimiting(Policies.Reads);
        return app;
    }
}
