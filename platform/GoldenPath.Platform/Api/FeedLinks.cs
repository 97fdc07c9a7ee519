using GoldenPath.Platform.Domain;

namespace GoldenPath.Platform;

/// <summary>Where the links of the Backstage feed point: the configured public URL, or the URL the request came to.</summary>
internal static class FeedLinks
{
    public static FeedContext Context(HttpContext context, PlatformOptions options)
    {
        var platform = options.PublicUrl is { } configured
            ? new Uri(configured.AbsoluteUri.EndsWith('/') ? configured.AbsoluteUri : $"{configured.AbsoluteUri}/")
            : new Uri($"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/");
        return FeedContext.None with { PlatformUrl = platform, PortalServiceUrl = options.PortalServiceUrl };
    }
}
