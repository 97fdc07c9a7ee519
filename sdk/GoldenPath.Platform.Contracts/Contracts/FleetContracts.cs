namespace GoldenPath.Catalog.Contracts;

/// <summary>
/// The answer of <c>GET /api/v1/fleet/versions</c>: which GoldenPath.ServiceDefaults and template versions the fleet's
/// live instances run, measured against the newest GoldenPath release the platform knows.
/// </summary>
/// <param name="NewestSdkVersion">The newest GoldenPath.ServiceDefaults: the platform's setting, else its own.</param>
/// <param name="NewestTemplateVersion">The newest template pack version (the same release train as the SDK).</param>
/// <param name="OldestSupportedVersion">The oldest version still supported (the scorecard's <c>sdk-supported</c> check).</param>
/// <param name="Overall">The share of services on the newest versions.</param>
/// <param name="Teams">The same per owning team, by team name.</param>
/// <param name="Services">Each service with live instances, by name.</param>
/// <param name="Behind">The services not on the newest versions, oldest first.</param>
/// <param name="EvaluatedAt">When this was computed.</param>
public sealed record FleetVersions(
    string NewestSdkVersion,
    string NewestTemplateVersion,
    string OldestSupportedVersion,
    FleetShare Overall,
    IReadOnlyList<FleetTeamShare> Teams,
    IReadOnlyList<FleetService> Services,
    IReadOnlyList<FleetServiceBehind> Behind,
    DateTimeOffset EvaluatedAt);

/// <summary>How many services are on the newest versions, out of how many.</summary>
/// <param name="Services">Services with live instances.</param>
/// <param name="OnNewest">Of those, the ones whose every live instance runs the newest SDK and template versions.</param>
/// <param name="Share">OnNewest / Services (0 when there is none), rounded to four places.</param>
public sealed record FleetShare(int Services, int OnNewest, double Share);

/// <summary>A team's share on the newest versions.</summary>
/// <param name="Team">The owning team.</param>
/// <param name="Services">Its services with live instances.</param>
/// <param name="OnNewest">Of those, on the newest versions.</param>
/// <param name="Share">OnNewest / Services, rounded to four places.</param>
public sealed record FleetTeamShare(string Team, int Services, int OnNewest, double Share);

/// <summary>A service's versions in each environment it has live instances in.</summary>
/// <param name="Name">The service.</param>
/// <param name="Owner">Its team.</param>
/// <param name="OnNewest">Whether every live instance runs the newest SDK and template versions.</param>
/// <param name="Environments">Per environment, by name.</param>
public sealed record FleetService(string Name, string Owner, bool OnNewest, IReadOnlyList<FleetEnvironmentVersions> Environments);

/// <summary>The versions a service's live instances in one environment run.</summary>
/// <param name="Environment">The environment.</param>
/// <param name="Instances">Live instances there.</param>
/// <param name="SdkVersions">The GoldenPath.ServiceDefaults versions they run, oldest first.</param>
/// <param name="Template">The template the service's repository was made from, when its instances say.</param>
/// <param name="TemplateVersions">The template versions they were built at, oldest first (empty when none says).</param>
public sealed record FleetEnvironmentVersions(string Environment, int Instances, IReadOnlyList<string> SdkVersions, string? Template, IReadOnlyList<string> TemplateVersions);

/// <summary>A service behind the newest versions.</summary>
/// <param name="Name">The service.</param>
/// <param name="Owner">Its team.</param>
/// <param name="OldestSdkVersion">The oldest GoldenPath.ServiceDefaults one of its live instances runs.</param>
/// <param name="OldestTemplateVersion">The oldest template version one of them was built at, when any says.</param>
/// <param name="Supported">Whether those are still supported versions.</param>
public sealed record FleetServiceBehind(string Name, string Owner, string OldestSdkVersion, string? OldestTemplateVersion, bool Supported);
