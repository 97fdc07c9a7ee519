namespace GoldenPath.Catalog;

/// <summary>
/// The golden path's one vocabulary of environment names: the overlays the publish step writes
/// (<c>deploy/overlays/dev|staging|prod</c>), the environments the generated pipeline deploys to and reports, and
/// the environment the platform's DORA report reads when none is named.
/// </summary>
public static class DeploymentEnvironments
{
    /// <summary>The development environment: one replica, in-cluster data services.</summary>
    public const string Development = "dev";

    /// <summary>The staging environment: production's shape, ahead of production.</summary>
    public const string Staging = "staging";

    /// <summary>The production environment; the default of the DORA report.</summary>
    public const string Production = "prod";

    /// <summary>Gets the environments in the order a rollout goes through them.</summary>
    public static IReadOnlyList<string> All { get; } = [Development, Staging, Production];
}
