using GoldenPath.Platform.Auth;
using Microsoft.AspNetCore.Authorization;

namespace GoldenPath.Platform;

/// <summary>The authorization policies of the API, one per scope, and its rate-limiting policies (writes, reads).</summary>
internal static class Policies
{
    public const string Read = "read";
    public const string CatalogWrite = Scopes.CatalogWrite;
    public const string InstancesWrite = Scopes.InstancesWrite;
    public const string DeploymentsWrite = Scopes.DeploymentsWrite;
    public const string IncidentsWrite = Scopes.IncidentsWrite;
    public const string Admin = Scopes.Admin;
    public const string Writes = "writes";
    public const string Reads = "reads";

    /// <summary>Whose budget a request spends: its token's, or without a token its client's (<see cref="ClientAddress"/>).</summary>
    public static string RateLimitPartition(HttpContext context) =>
        context.User.TokenId() ?? ClientAddress.Key(context);

    public static void Add(AuthorizationOptions options, bool anonymousRead)
    {
        // Every token but a service's own (instances:write) may read; anonymous reads only when the platform allows them.
        options.AddPolicy(Read, p => p.AddRequirements(new ScopeRequirement(Scopes.Read, anonymousRead, refusesAdmin: false, Scopes.CatalogWrite, Scopes.DeploymentsWrite, Scopes.IncidentsWrite)));
        options.AddPolicy(CatalogWrite, p => p.AddRequirements(new ScopeRequirement(Scopes.CatalogWrite)));
        // A service's identity path: its team's instances:write token (or catalog:write), never an admin token.
        options.AddPolicy(InstancesWrite, p => p.AddRequirements(new ScopeRequirement(Scopes.InstancesWrite, refusesAdmin: true, alsoAccepted: Scopes.CatalogWrite)));
        options.AddPolicy(DeploymentsWrite, p => p.AddRequirements(new ScopeRequirement(Scopes.DeploymentsWrite)));
        options.AddPolicy(IncidentsWrite, p => p.AddRequirements(new ScopeRequirement(Scopes.IncidentsWrite)));
        options.AddPolicy(Admin, p => p.AddRequirements(new ScopeRequirement(Scopes.Admin)));
    }
}
