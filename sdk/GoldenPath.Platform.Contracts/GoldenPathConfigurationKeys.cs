namespace GoldenPath.Catalog;

/// <summary>
/// The settings the app host and the publish step give a golden-path service, as environment variables (the
/// <c>GoldenPath:Platform:*</c> keys GoldenPath.ServiceDefaults binds, written with <c>__</c>): one place for the names
/// that GoldenPath.Hosting sets when it runs a service and GoldenPath.Kubernetes writes into its ConfigMap.
/// </summary>
internal static class GoldenPathConfigurationKeys
{
    /// <summary>The platform's base URL (<c>GoldenPath:Platform:Url</c>).</summary>
    public const string PlatformUrl = "GoldenPath__Platform__Url";

    /// <summary>The service's platform token, its team's, scope <c>instances:write</c> (<c>GoldenPath:Platform:Token</c>).</summary>
    public const string PlatformToken = "GoldenPath__Platform__Token";

    /// <summary>The heartbeat interval (<c>GoldenPath:Platform:HeartbeatInterval</c>).</summary>
    public const string PlatformHeartbeatInterval = "GoldenPath__Platform__HeartbeatInterval";

    /// <summary>The platform's own admin token, given to the platform only (<c>GoldenPath:Platform:BootstrapToken</c>).</summary>
    public const string PlatformBootstrapToken = "GoldenPath__Platform__BootstrapToken";

    /// <summary>Whether the platform answers reads without a token, for a local stack only (<c>GoldenPath:Platform:AnonymousRead</c>).</summary>
    public const string PlatformAnonymousRead = "GoldenPath__Platform__AnonymousRead";
}
