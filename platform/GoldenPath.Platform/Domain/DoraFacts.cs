using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform.Domain;

/// <summary>
/// Keeps the DORA read model (<c>deployment_facts</c>, one narrow row per deployment) equal to what the deployments and
/// incidents say: every write that moves a service's facts (a deployment report, an incident opened or changed) runs in
/// <see cref="WriteAsync{T}"/>, which brings all of that service's facts up to date in the same transaction, under a
/// per-service lock, from the store's own rows. A retried or reordered report, or two replicas writing the same service
/// at once, therefore leave the facts as a computation from scratch would.
/// </summary>
internal sealed class DoraFacts(PlatformDbContext db)
{
    /// <summary>
    /// Runs <paramref name="write"/> (changes to <paramref name="service"/>'s deployments or incidents, saved by it) and
    /// updates the service's facts in one transaction; the store's retries run both again. A write that throws rolls back.
    /// </summary>
    public Task<T> WriteAsync<T>(string service, Func<CancellationToken, Task<T>> write, CancellationToken ct) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async cancellation =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellation);
            // SQLite's transactions take the write lock at BEGIN (IMMEDIATE); PostgreSQL's writers of one service queue here,
            // so that each one's update reads the other's committed rows.
            if (db.Database.IsNpgsql())
            {
                var key = $"goldenpath:deployment-facts:{service}";
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))", cancellation);
            }

            var result = await write(cancellation);
            await UpdateAsync(service, cancellation);
            await transaction.CommitAsync(cancellation);
            db.ChangeTracker.Clear();
            return result;
        }, ct);

    /// <summary>
    /// Writes the facts of every deployment that has none (one recorded before this table existed, or written into the
    /// store by hand), service by service; returns how many services it updated. Idempotent: run at start-up.
    /// </summary>
    public async Task<int> BackfillAsync(CancellationToken ct)
    {
        var services = await db.Deployments.AsNoTracking()
            .Where(d => !db.DeploymentFacts.Any(f => f.Service == d.Service && f.DeploymentId == d.DeploymentId))
            .Select(d => d.Service).Distinct().ToListAsync(ct);
        foreach (var service in services)
        {
            await WriteAsync(service, _ => Task.FromResult(0), ct);
        }

        return services.Count;
    }

    /// <summary>The facts of deployments and incidents held in memory, derived exactly as the store's are (for the arithmetic's tests).</summary>
    public static List<DeploymentFactEntity> Derive(IEnumerable<DeploymentEntity> deployments, IEnumerable<IncidentEntity> incidents)
    {
        var linked = incidents.Where(i => i.DeploymentId is not null).ToLookup(i => i.Service, StringComparer.Ordinal);
        var facts = new List<DeploymentFactEntity>();
        foreach (var service in deployments.GroupBy(d => d.Service, StringComparer.Ordinal))
        {
            var own = service.Select(d => Intrinsic(d.Service, d.DeploymentId, d.Environment, d.FinishedAt, d.Outcome, d.Type, d.Remediates, d.Commits)).ToList();
            Link(own, [.. linked[service.Key].Select(i => new LinkedIncident(i.DeploymentId!, i.StartedAt, i.ResolvedAt))]);
            facts.AddRange(own);
        }

        return facts;
    }

    /// <summary>Adds the facts of the service's deployments that have none and derives again what incidents and other deployments decide.</summary>
    private async Task UpdateAsync(string service, CancellationToken ct)
    {
        var facts = await db.DeploymentFacts.Where(f => f.Service == service).ToListAsync(ct);
        // Read back from the store, not taken from the request: the times as stored (PostgreSQL keeps microseconds, the
        // SQLite store a tenth of a millisecond) are the ones every figure is computed from.
        var missing = await db.Deployments.AsNoTracking()
            .Where(d => d.Service == service && !db.DeploymentFacts.Any(f => f.Service == d.Service && f.DeploymentId == d.DeploymentId))
            .Select(d => new { d.DeploymentId, d.Environment, d.FinishedAt, d.Outcome, d.Type, d.Remediates, d.Commits })
            .ToListAsync(ct);
        foreach (var d in missing)
        {
            var fact = Intrinsic(service, d.DeploymentId, d.Environment, d.FinishedAt, d.Outcome, d.Type, d.Remediates, d.Commits);
            db.DeploymentFacts.Add(fact);
            facts.Add(fact);
        }

        var incidents = await db.Incidents.AsNoTracking().Where(i => i.Service == service && i.DeploymentId != null)
            .Select(i => new LinkedIncident(i.DeploymentId!, i.StartedAt, i.ResolvedAt)).ToListAsync(ct);
        Link(facts, incidents);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>What a deployment says of itself: when it finished, its outcome and type, its commits' lead times.</summary>
    private static DeploymentFactEntity Intrinsic(string service, string id, string environment, DateTimeOffset finishedAt, string outcome, string type, string? remediates, List<StoredCommit> commits) => new()
    {
        Service = service,
        DeploymentId = id,
        Environment = environment,
        FinishedAt = finishedAt,
        Succeeded = outcome == "success",
        Rework = type is "rollback" or "hotfix",
        Remediates = remediates,
        LeadTimeHours = [.. commits.Select(c => (finishedAt - c.Timestamp).TotalHours).Where(h => h > 0)],
    };

    /// <summary>
    /// Decides, over all of one service's facts, which deployments failed and when each would recover: a deployment
    /// failed when its outcome was failure or an incident names it, and in a window that holds a rollback or hotfix to
    /// the same environment that remediates it; it recovers when its linked incidents were all resolved (from the first
    /// one's start to the last one's resolution) or, with none linked, at the next successful deployment to the same
    /// environment.
    /// </summary>
    private static void Link(List<DeploymentFactEntity> facts, IReadOnlyList<LinkedIncident> incidents)
    {
        var byDeployment = incidents.ToLookup(i => i.DeploymentId, StringComparer.Ordinal);
        var remediations = facts.Where(f => f.Remediates is not null).ToLookup(f => (f.Environment, f.Remediates!));
        var successes = facts.Where(f => f.Succeeded).GroupBy(f => f.Environment, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(f => f.FinishedAt).Order().ToArray(), StringComparer.Ordinal);
        foreach (var fact in facts)
        {
            var linked = byDeployment[fact.DeploymentId].ToList();
            fact.Failed = !fact.Succeeded || linked.Count > 0;
            var remediatedAt = remediations[(fact.Environment, fact.DeploymentId)].Select(r => r.FinishedAt).Order().ToList();
            if (!remediatedAt.SequenceEqual(fact.RemediatedAt))
            {
                fact.RemediatedAt = remediatedAt;
            }

            (fact.RecoveredAt, fact.RecoveryHours) = !fact.Failed && remediatedAt.Count == 0 ? (null, null)
                : linked.Count > 0 ? (linked.All(i => i.ResolvedAt is not null) ? Recovery(linked.Min(i => i.StartedAt), linked.Max(i => i.ResolvedAt!.Value)) : (null, null))
                : NextSuccess(successes.GetValueOrDefault(fact.Environment) ?? [], fact.FinishedAt) is { } next ? Recovery(fact.FinishedAt, next)
                : (null, null);
        }
    }

    private static (DateTimeOffset?, double?) Recovery(DateTimeOffset from, DateTimeOffset recovered) => (recovered, Math.Max(0, (recovered - from).TotalHours));

    /// <summary>The first of the sorted <paramref name="finished"/> times strictly after <paramref name="after"/>.</summary>
    private static DateTimeOffset? NextSuccess(DateTimeOffset[] finished, DateTimeOffset after)
    {
        var (low, high) = (0, finished.Length);
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = finished[middle] > after ? (low, middle) : (middle + 1, high);
        }

        return low < finished.Length ? finished[low] : null;
    }

    private sealed record LinkedIncident(string DeploymentId, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt);
}
