using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace GoldenPath.Platform.Portal.Pages;

/// <summary>Signs a person in: with the company's identity provider when configured, or with a platform token that has the scope <c>read</c>.</summary>
internal sealed class SignInModel(TokenExchange exchange, IConfiguration configuration) : PageModel
{
    public string? Refusal { get; private set; }

    public string ReturnUrl { get; private set; } = "/portal";

    public bool OpenIdConnect => PortalAuthentication.OpenIdConnectConfigured(configuration);

    public string OpenIdConnectUrl => $"{PortalAuthentication.SignInPath}?handler=OpenIdConnect&returnUrl={Uri.EscapeDataString(ReturnUrl)}";

    public void OnGet(string? returnUrl) => ReturnUrl = LocalOrPortal(returnUrl);

    public IActionResult OnGetOpenIdConnect(string? returnUrl) => OpenIdConnect
        ? Challenge(new AuthenticationProperties { RedirectUri = LocalOrPortal(returnUrl) }, PortalAuthentication.OpenIdConnectScheme)
        : NotFound();

    public async Task<IActionResult> OnPostAsync(string? token, string? returnUrl)
    {
        ReturnUrl = LocalOrPortal(returnUrl);
        var (principal, refusal) = await exchange.ExchangeAsync(token, HttpContext);
        if (principal is null)
        {
            Refusal = refusal;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        await HttpContext.SignInAsync(PortalAuthentication.CookieScheme, principal);
        return LocalRedirect(ReturnUrl);
    }

    /// <summary>Only a page of the portal: a sign-in link must not send anyone elsewhere.</summary>
    private string LocalOrPortal(string? returnUrl) =>
        returnUrl is not null && Url.IsLocalUrl(returnUrl) && returnUrl.StartsWith("/portal", StringComparison.Ordinal) ? returnUrl : "/portal";
}
