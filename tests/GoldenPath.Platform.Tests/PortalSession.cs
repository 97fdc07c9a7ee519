using System.Net;
using System.Text.RegularExpressions;

namespace GoldenPath.Platform.Tests;

/// <summary>What a browser keeps for the portal without running one: its cookies, no redirect followed, and the sign-in form.</summary>
internal sealed partial class PortalSession : IDisposable
{
    private readonly HttpClient _client;

    public PortalSession(PlatformApp platform)
        : this(platform.Anonymous.BaseAddress!)
    {
    }

    /// <summary>A browser at <paramref name="baseAddress"/>; with <paramref name="cookies"/> of another session, the same browser (cookies do not tell ports apart).</summary>
    public PortalSession(Uri baseAddress, CookieContainer? cookies = null)
    {
        Cookies = cookies ?? new CookieContainer();
        BaseAddress = baseAddress;
        _client = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = BaseAddress };
    }

    public CookieContainer Cookies { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http => _client;

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(path, TestContext.Current.CancellationToken);

    public async Task<string> TextAsync(string path)
    {
        using var response = await GetAsync(path);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>The sign-in form's antiforgery field, as the page handed it out (its cookie is kept).</summary>
    public async Task<string> AntiforgeryAsync(string page = "/portal/signin")
    {
        var text = await TextAsync(page);
        return AntiforgeryField().Match(text) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"No antiforgery field on {page}:\n{text}");
    }

    /// <summary>Posts the sign-out form with the antiforgery field of <paramref name="field"/> (by default one from the catalog page's own form).</summary>
    public async Task<HttpResponseMessage> SignOutAsync(string? field = null)
    {
        var fields = new Dictionary<string, string> { ["__antiforgery"] = field ?? await AntiforgeryAsync("/portal") };
        return await _client.PostAsync("/portal/signout", new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);
    }

    /// <summary>A request with only the given portal cookie, as a copy of it sent from another machine would be.</summary>
    public static async Task<HttpResponseMessage> WithCookieAsync(Uri baseAddress, string path, string cookieValue)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", $"goldenpath-portal={cookieValue}");
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Posts the sign-in form with a token, as the page would (antiforgery field included unless told otherwise).</summary>
    public async Task<HttpResponseMessage> SignInAsync(string token, string? returnUrl = null, bool withAntiforgery = true)
    {
        var fields = new Dictionary<string, string> { ["token"] = token };
        if (withAntiforgery)
        {
            fields["__antiforgery"] = await AntiforgeryAsync();
        }

        if (returnUrl is not null)
        {
            fields["returnUrl"] = returnUrl;
        }

        return await _client.PostAsync("/portal/signin", new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);
    }

    public Cookie? PortalCookie => Cookies.GetAllCookies().FirstOrDefault(c => c.Name == "goldenpath-portal");

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__antiforgery\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
