using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace GoldenPath.Platform.Auth;

/// <summary>Requires one of <see cref="Accepted"/> (admin always passes); anonymous passes when <see cref="AllowAnonymous"/>.</summary>
internal sealed class ScopeRequirement(string scope, bool allowAnonymous = false, params string[] alsoAccepted) : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public string Scope { get; } = scope;

    public bool AllowAnonymous { get; } = allowAnonymous;

    public IReadOnlyList<string> Accepted { get; } = [scope, .. alsoAccepted, Scopes.Admin];

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var authenticated = context.User.Identity?.IsAuthenticated == true;
        // A request that sent a token which failed is not anonymous: it gets the 401 that says why.
        var sentToken = context.Resource is HttpContext http && http.Request.Headers.Authorization.Count > 0;
        if ((!authenticated && !sentToken && requirement.AllowAnonymous) || (authenticated && requirement.Accepted.Any(context.User.HasScope)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

internal static class PrincipalExtensions
{
    public static bool HasScope(this ClaimsPrincipal user, string scope) => user.HasClaim(Scopes.ScopeClaim, scope);

    public static string? Team(this ClaimsPrincipal user) => user.FindFirstValue(Scopes.TeamClaim);

    public static string? TokenId(this ClaimsPrincipal user) => user.FindFirstValue(Scopes.TokenIdClaim);

    public static bool IsAdmin(this ClaimsPrincipal user) => user.HasScope(Scopes.Admin);

    /// <summary>Whether the caller may write what <paramref name="owner"/> owns: admins always, teams only their own.</summary>
    public static bool MayWriteFor(this ClaimsPrincipal user, string owner) => user.IsAdmin() || string.Equals(user.Team(), owner, StringComparison.Ordinal);
}
