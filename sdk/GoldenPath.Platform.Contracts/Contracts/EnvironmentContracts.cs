namespace GoldenPath.Catalog.Contracts;

/// <summary><c>POST /api/v1/environments</c>: a self-service namespace for a team and environment.</summary>
/// <param name="Team">The team (a valid name).</param>
/// <param name="Environment">The environment (a valid name): <c>dev</c>, <c>staging</c>, <c>prod</c>, ...</param>
/// <param name="Cpu">The CPU the namespace may request in all, e.g. <c>4</c> or <c>2500m</c>.</param>
/// <param name="Memory">The memory the namespace may request in all, e.g. <c>8Gi</c>.</param>
/// <param name="Pods">The most pods it may run.</param>
/// <param name="CostCenter">The cost center label.</param>
/// <param name="Group">The identity-provider group whose members get edit rights; <c>team-{team}</c> by default.</param>
public sealed record EnvironmentRequest(
    string Team,
    string Environment,
    string Cpu,
    string Memory,
    int? Pods = null,
    string? CostCenter = null,
    string? Group = null);

/// <summary>A recorded environment with the manifests that create it.</summary>
/// <param name="Team">The team.</param>
/// <param name="Environment">The environment.</param>
/// <param name="Namespace">The Kubernetes namespace, <c>{team}-{environment}</c>.</param>
/// <param name="Cpu">The CPU quota.</param>
/// <param name="Memory">The memory quota.</param>
/// <param name="Pods">The pod quota.</param>
/// <param name="CostCenter">The cost center.</param>
/// <param name="Group">The group granted edit rights.</param>
/// <param name="Kinds">The kinds of the objects in <paramref name="Manifests"/>, in order.</param>
/// <param name="Manifests">The objects as multi-document YAML, for <c>kubectl apply -f -</c>.</param>
/// <param name="CreatedAt">When it was first requested.</param>
public sealed record EnvironmentRecord(
    string Team,
    string Environment,
    string Namespace,
    string Cpu,
    string Memory,
    int Pods,
    string? CostCenter,
    string Group,
    IReadOnlyList<string> Kinds,
    string Manifests,
    DateTimeOffset CreatedAt);

/// <summary><c>POST /api/v1/tokens</c> (admin): a bearer token for a team.</summary>
/// <param name="Team">The team the token acts for.</param>
/// <param name="Scopes">Any of <c>catalog:write</c>, <c>instances:write</c> (what a service registers with), <c>deployments:write</c>, <c>incidents:write</c>, <c>read</c>, <c>admin</c>.</param>
/// <param name="Name">What the token is for (e.g. <c>orders-api CI</c>).</param>
/// <param name="ExpiresAt">When it stops working; never when not set.</param>
public sealed record TokenRequest(string Team, IReadOnlyList<string> Scopes, string? Name = null, DateTimeOffset? ExpiresAt = null);

/// <summary>A token as created: <see cref="Token"/> is shown this once and stored only as a hash.</summary>
/// <param name="Id">The token's id, for revoking it.</param>
/// <param name="Token">The secret bearer token.</param>
/// <param name="Team">The team.</param>
/// <param name="Scopes">The scopes.</param>
/// <param name="Name">The name.</param>
/// <param name="ExpiresAt">The expiry.</param>
public sealed record TokenCreated(string Id, string Token, string Team, IReadOnlyList<string> Scopes, string? Name, DateTimeOffset? ExpiresAt);
