using System.Net;
using System.Text.RegularExpressions;

namespace GoldenPath.Platform.Tests;

/// <summary>What a browser keeps for the portal without running one: its cookies, no redirect followed, and the sign-in form.</summary>
internal sealed partial class PortalSession : IDisposable
{
    private readonly HttpClient _client;

    public PortalSession(PlatformApp platform)
    {
        Cookies = new CookieContainer();
        BaseAddress = platform.Anonymous.BaseAddress!;
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
    public async Task<string> AntiforgeryAsync()
    {
        var page = await TextAsync("/portal/signin");
        return AntiforgeryField().Match(page) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"No antiforgery field on the sign-in page:\n{page}");
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
