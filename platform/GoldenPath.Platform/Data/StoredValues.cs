using GoldenPath.Catalog;
using GoldenPath.Catalog.Contracts;

namespace GoldenPath.Platform.Data;

// The values the store keeps in JSON columns. They are the platform's own, not the SDK's contracts: a change to a
// contract (a renamed or added member) is mapped here and never rewrites what rows hold. Their JSON names are the ones
// the rows were first written with.

/// <summary>A link of a service, <c>services.Links</c>.</summary>
internal sealed record StoredLink(string Url, string? Title, string? Icon, string? Type)
{
    public static StoredLink From(EntityLink link) => new(link.Url, link.Title, link.Icon, link.Type);

    public EntityLink ToContract() => new(Url, Title, Icon, Type);
}

/// <summary>Something a service needs at run time, <c>services.DependsOn</c> and <c>instances.Dependencies</c>.</summary>
internal sealed record StoredDependency(string Name, string Kind)
{
    public static StoredDependency From(ServiceDependency dependency) => new(dependency.Name, dependency.Kind);

    public ServiceDependency ToContract() => new(Name, Kind);
}

/// <summary>An API a service defines, <c>services.ApiDefinitions</c>.</summary>
internal sealed record StoredApiDefinition(string Name, string Type, string Definition)
{
    public static StoredApiDefinition From(ApiDefinition api) => new(api.Name, api.Type, api.Definition);

    public ApiDefinition ToContract() => new(Name, Type, Definition);
}

/// <summary>A commit a deployment shipped, <c>deployments.Commits</c>; its time in UTC.</summary>
internal sealed record StoredCommit(string Sha, DateTimeOffset Timestamp)
{
    public static StoredCommit From(DeployedCommit commit) => new(commit.Sha, commit.Timestamp.ToUniversalTime());

    public DeployedCommit ToContract() => new(Sha, Timestamp);
}
