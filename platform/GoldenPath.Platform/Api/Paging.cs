using System.Globalization;

namespace GoldenPath.Platform;

/// <summary>Keyset paging of the lists (the catalog, the Backstage feed): <c>limit</c>, <c>after</c> and an RFC 8288 next link.</summary>
internal static class Paging
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 500;

    /// <summary>The size of the page to answer: the <paramref name="limit"/> asked for, within the platform's <paramref name="max"/>.</summary>
    public static int Size(int? limit, int max) => Math.Clamp(limit ?? Math.Min(DefaultPageSize, max), 1, max);

    /// <summary>
    /// RFC 8288: the next page starts after <paramref name="after"/>, the key of this page's last item; a client follows
    /// the link until it is absent. The filters of the request are carried along.
    /// </summary>
    public static void LinkNext(HttpContext context, int size, string after, params (string Name, string? Value)[] filters)
    {
        var next = QueryString.Create([
            new("limit", size.ToString(CultureInfo.InvariantCulture)), new("after", after),
            .. filters.Where(f => f.Value is not null).Select(f => new KeyValuePair<string, string?>(f.Name, f.Value))]);
        context.Response.Headers.Link = $"<{context.Request.PathBase}{context.Request.Path}{next}>; rel=\"next\"";
    }
}
