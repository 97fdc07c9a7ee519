using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace GoldenPath.Platform.Portal.Pages;

/// <summary>Ends the portal's session (a form post, protected like every form of the portal).</summary>
internal sealed class SignOutModel : PageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(PortalAuthentication.CookieScheme);
        return LocalRedirect(PortalAuthentication.SignInPath);
    }
}
