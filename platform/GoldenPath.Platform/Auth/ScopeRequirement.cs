using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace GoldenPath.Platform.Auth;

/// <summary>
/// Requires one of <see cref="Accepted"/>; anonymous passes when <see cref="AllowAnonymous"/>. Admin passes unless
/// <see cref="RefusesAdmin"/>: then a token with the admin scope is refused even when it also holds an accepted scope.
/// </summary>
internal sealed class ScopeRequirement(string scope, bool allowAnonymous = false, bool refusesAdmin = false, params string[] alsoAccepted) : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public string Scope { get; } = scope;

    public bool AllowAnonymous { get; } = allowAnonymous;

    public bool RefusesAdmin { get; } = refusesAdmin;

    public IReadOnlyList<string> Accepted { get; } = refusesAdmin ? [scope, .. alsoAccepted] : [scope, .. alsoAccepted, Scopes.Admin];

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var authenticated = context.User.Identity?.IsAuthenticated == true;
        // A request that sent a token which failed is not anonymous: it gets the 401 that says why.
        var sentToken = context.Resource is HttpContext http && http.Request.Headers.Authorization.Count > 0;
        var refusedAdmin = requirement.RefusesAdmin && context.User.IsAdmin();
        if ((!authenticated && !sentToken && requirement.AllowAnonymous) || (authenticated && !refusedAdmin && requirement.Accepted.Any(context.User.HasScope)))
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
