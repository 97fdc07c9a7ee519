using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GoldenPath.Platform;

/// <summary>
/// The document's own parts: its title and description, the bearer security scheme every operation refers to,
/// a description of each tag, and server URLs without the trailing slash (a generator would double it).
/// </summary>
internal sealed class PlatformDocumentTransformer : IOpenApiDocumentTransformer
{
    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Catalog"] = "Services, their catalog entries and their running instances (registration and heartbeats).",
        ["Deployments"] = "Deployment events reported by CI, the input of DORA metrics.",
        ["Incidents"] = "Incidents, linked to the deployment that caused them.",
        ["DORA"] = "The five DORA metrics of a service, a team or everything.",
        ["Scorecards"] = "A service's golden-path conformance, check by check.",
        ["Fleet"] = "Which GoldenPath SDK and template versions the fleet runs, against the newest release.",
        ["Backstage"] = "The catalog as Backstage entities, for a Backstage entity provider.",
        ["Tokens"] = "Bearer tokens of teams (admin only).",
        ["Environments"] = "Self-service namespaces of teams: quota, limits, RBAC and a default-deny network policy.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "GoldenPath Platform API";
        document.Info.Version = "v1";
        document.Info.Description =
            "The GoldenPath platform: service catalog, instance registration, deployments, incidents, DORA metrics, scorecards, " +
            "self-service environments and a Backstage feed. Every call sends 'Authorization: Bearer <token>'; a token carries a team " +
            "and scopes, and each operation lists the scopes it accepts as alternative security requirements. Errors are RFC 9457 " +
            "problem details (application/problem+json) whose detail says what was wrong and how to fix it.";
        document.Info.License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" };

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[PlatformOpenApiExtensions.BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "opaque (gpt_...)",
            Description = "A platform token: 'Authorization: Bearer <token>'. An admin creates a team's tokens with POST /api/v1/tokens; " +
                "the secret is shown once. Scopes: read, catalog:write, instances:write, deployments:write, incidents:write, admin.",
        };

        var used = (document.Paths ?? [])
            .SelectMany(path => path.Value.Operations ?? [])
            .SelectMany(operation => operation.Value.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(tag => tag.Name)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(used.Order(StringComparer.Ordinal).Select(name => new OpenApiTag
        {
            Name = name,
            Description = TagDescriptions.TryGetValue(name, out var description) ? description : null,
        }));

        foreach (var server in document.Servers ?? [])
        {
            if (server.Url is { Length: > 1 } url && url.EndsWith('/'))
            {
                server.Url = url.TrimEnd('/');
            }
        }

        return Task.CompletedTask;
    }
}
