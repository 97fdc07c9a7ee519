namespace GoldenPath.Platform.Auth;

/// <summary>What a token may do.</summary>
internal static class Scopes
{
    public const string CatalogWrite = "catalog:write";
    public const string DeploymentsWrite = "deployments:write";
    public const string IncidentsWrite = "incidents:write";
    public const string Read = "read";
    public const string Admin = "admin";

    public static readonly string[] All = [CatalogWrite, DeploymentsWrite, IncidentsWrite, Read, Admin];

    public const string ScopeClaim = "scope";
    public const string TeamClaim = "team";
    public const string TokenIdClaim = "token_id";
}
