namespace GoldenPath.Platform.Domain;

/// <summary>
/// What the Backstage feed knows beyond a service's own entry: where the platform is (for the links back to its DORA
/// figures), the portal's service page, and the one namespace of each team that has exactly one.
/// </summary>
/// <param name="PlatformUrl">The platform's base URL, ending with '/'; no DORA link when null.</param>
/// <param name="PortalServiceUrl">The portal's service page with <see cref="NamePlaceholder"/>; no portal link when null.</param>
/// <param name="TeamNamespaces">Each team's namespace, for the teams with exactly one.</param>
internal sealed record FeedContext(Uri? PlatformUrl, string? PortalServiceUrl, IReadOnlyDictionary<string, string> TeamNamespaces)
{
    /// <summary>
    /// Gets, per service, the template and the oldest template version its live instances report: what runs wins over
    /// what the catalog entry says (a registration never changes the entry, so after an upgrade only the instances know).
    /// </summary>
    public IReadOnlyDictionary<string, (string Template, string Version)> LiveTemplates { get; init; } = new Dictionary<string, (string, string)>();

    /// <summary>The placeholder of <see cref="PortalServiceUrl"/> replaced with the service's name.</summary>
    public const string NamePlaceholder = "{name}";

    /// <summary>No links, no namespaces: a service's entry alone.</summary>
    public static FeedContext None { get; } = new(null, null, new Dictionary<string, string>());

    /// <summary>
    /// The namespace the Kubernetes plugin should look in for a service of <paramref name="team"/>: known only when the
    /// team has one namespace; with several (one per environment) the plugin finds the service by its label in each.
    /// </summary>
    public string? NamespaceOf(string team) => TeamNamespaces.GetValueOrDefault(team);
}
