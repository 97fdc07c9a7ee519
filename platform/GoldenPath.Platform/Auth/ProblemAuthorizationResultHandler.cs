using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace GoldenPath.Platform.Auth;

/// <summary>Turns a refused authorization into a 401 or 403 problem that says which scope was missing.</summary>
internal sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var missing = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().FirstOrDefault()
            ?? policy.Requirements.OfType<ScopeRequirement>().FirstOrDefault();
        var tokenFailed = context.Request.Headers.Authorization.Count > 0 && context.User.Identity?.IsAuthenticated != true;
        // The portal's pages answer a person: its cookie scheme sends them to sign in rather than writing a problem.
        if (authorizeResult.Succeeded || (authorizeResult.Challenged && tokenFailed) || policy.AuthenticationSchemes.Contains(Portal.PortalAuthentication.CookieScheme))
        {
            // A token that failed is challenged by the bearer handler, whose problem says why it failed.
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }

        if (context.User.Identity?.IsAuthenticated != true)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Write(context, StatusCodes.Status401Unauthorized, "Unauthorized",
                $"This endpoint needs a bearer token with scope '{missing?.Scope ?? "read"}': send 'Authorization: Bearer <token>'.");
        }

        if (missing is { RefusesAdmin: true } && context.User.IsAdmin())
        {
            return Problems.Write(context, StatusCodes.Status403Forbidden, "Forbidden",
                $"The token {context.User.TokenId()} has the admin scope, which this endpoint never accepts: a service registers its instances with a token of its own team " +
                $"with scope '{Scopes.InstancesWrite}' (an admin creates one with POST /api/v1/tokens), so that no service holds the platform's admin token.");
        }

        var scopes = string.Join(", ", context.User.FindAll(Scopes.ScopeClaim).Select(c => c.Value));
        return Problems.Write(context, StatusCodes.Status403Forbidden, "Forbidden",
            $"The token {context.User.TokenId()} of team '{context.User.Team()}' has the scopes [{scopes}] but this endpoint needs one of [{string.Join(", ", missing?.Accepted ?? [])}].");
    }
}
