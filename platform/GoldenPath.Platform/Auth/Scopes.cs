namespace GoldenPath.Platform.Auth;

/// <summary>What a token may do.</summary>
internal static class Scopes
{
    public const string CatalogWrite = "catalog:write";

    /// <summary>
    /// What a service's own token holds: register, heartbeat and deregister instances of its team's services, and create
    /// the catalog entry of its team's service that is not in the catalog yet. Nothing else: no catalog change, no read,
    /// no token, no deployment.
    /// </summary>
    public const string InstancesWrite = "instances:write";
    public const string DeploymentsWrite = "deployments:write";
    public const string IncidentsWrite = "incidents:write";
    public const string Read = "read";
    public const string Admin = "admin";

    public static readonly string[] All = [CatalogWrite, InstancesWrite, DeploymentsWrite, IncidentsWrite, Read, Admin];

    public const string ScopeClaim = "scope";
    public const string TeamClaim = "team";
    public const string TokenIdClaim = "token_id";
}
