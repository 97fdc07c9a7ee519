namespace GoldenPath.ServiceDefaults;

/// <summary>The health check tags the golden-path endpoints select by.</summary>
public static class GoldenPathHealthTags
{
    /// <summary>Checks of the process itself, for <c>/health/live</c>. Never tag a dependency check with it: a dead database must not restart every pod.</summary>
    public const string Live = "live";

    /// <summary>Checks of what the service needs to serve (databases, caches), for <c>/health/ready</c>.</summary>
    public const string Ready = "ready";

    /// <summary>Checks that must pass once after start-up (migrations applied, caches warmed), for <c>/health/startup</c>.</summary>
    public const string Startup = "startup";
}
