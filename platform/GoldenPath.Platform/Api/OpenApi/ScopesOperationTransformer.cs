using GoldenPath.Platform.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GoldenPath.Platform;

/// <summary>
/// Declares the scopes each operation accepts, read from the authorization policy the endpoint really runs: one
/// security requirement per accepted scope (alternatives, as OpenAPI 3.1 reads a list of requirements), an empty one
/// where reads need no token (GoldenPath:Platform:AnonymousRead), and the same in words in the description.
/// </summary>
internal sealed class ScopesOperationTransformer(IAuthorizationPolicyProvider policies) : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return;
        }

        var requirements = new List<ScopeRequirement>();
        foreach (var name in metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var policy = await policies.GetPolicyAsync(name)
                ?? throw new InvalidOperationException($"The endpoint {context.Description.RelativePath} names the authorization policy '{name}', which is not registered (Policies.Add).");
            requirements.AddRange(policy.Requirements.OfType<ScopeRequirement>());
        }

        if (requirements.Count == 0)
        {
            return;
        }

        // Several policies on one endpoint must all pass: the accepted scopes are those every one of them accepts.
        var accepted = requirements.Skip(1).Aggregate((IEnumerable<string>)requirements[0].Accepted, (scopes, r) => scopes.Intersect(r.Accepted, StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal).ToList();
        var anonymous = requirements.All(r => r.AllowAnonymous);
        var scheme = new OpenApiSecuritySchemeReference(PlatformOpenApiExtensions.BearerScheme, context.Document);
        operation.Security = [.. accepted.Select(scope => new OpenApiSecurityRequirement { [scheme] = [scope] })];
        if (anonymous)
        {
            operation.Security.Add(new OpenApiSecurityRequirement());
        }

        var scopes = string.Join(", ", accepted.Select(s => $"`{s}`"));
        var refusesAdmin = requirements.Any(r => r.RefusesAdmin) ? " A token with the admin scope is refused." : "";
        var who = anonymous ? " No token is needed while GoldenPath:Platform:AnonymousRead is on." : "";
        operation.Description = $"{operation.Description}{(operation.Description is { Length: > 0 } ? "\n\n" : "")}Scopes: one of {scopes}.{refusesAdmin}{who}";
    }
}
