using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform.Domain;

/// <summary>
/// The read model of the scorecard levels: for each service, the checks its scorecard passed on the platform's own data
/// (<c>scorecard_results</c>), so that a page that shows many levels reads them with one query instead of evaluating every
/// scorecard. The level is computed on read from the stored checks, the one Prometheus reading of the page
/// (<c>slos-declared</c>, asked once for all the services shown) and the levels in force, so a new
/// <c>GoldenPath:Platform:ScorecardLevels</c> needs no new evaluation.
/// </summary>
/// <remarks>
/// A write that changes what a service's checks read (its catalog entry, an instance that registers or deregisters, a
/// deployment) evaluates that service again once it has committed (<see cref="RefreshAfterWriteAsync"/>); what changes
/// with time alone or by a heartbeat of a live instance (an instance that expires, the deployment window that passes,
/// readiness, telemetry or SDK reported by a heartbeat) is evaluated again by <see cref="ScorecardRefreshService"/> on a
/// period. Several replicas share the table: each evaluation first counts itself in the row's <c>Generation</c> and stores
/// its result only if no later evaluation was counted meanwhile, so an evaluation that read the store before another
/// replica's write never overwrites the evaluation that write asked for.
/// </remarks>
internal sealed partial class ScorecardResults(PlatformDbContext db, ScorecardService scorecards, SloBudgetService slos, ScorecardLevels levels, TimeProvider time,
    ILogger<ScorecardResults> logger)
{
    /// <summary>How many services one evaluation reads at most (a bound on the store's parameter lists).</summary>
    public const int Chunk = 500;

    private const string Separator = ",";

    /// <summary>
    /// Evaluates the services again and stores what passed, after a write that changed their inputs. A failure is logged
    /// and left to the periodic refresh: the write itself has committed and stands.
    /// </summary>
    public async Task RefreshAfterWriteAsync(string service, CancellationToken ct)
    {
        try
        {
            await RefreshAsync([service], ct);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            RefreshFailed(logger, service, exception);
        }
    }

    /// <summary>Evaluates every service of the catalog again, <see cref="Chunk"/> at a time; returns how many.</summary>
    public async Task<int> RefreshAllAsync(CancellationToken ct)
    {
        var names = await db.Services.AsNoTracking().OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(ct);
        foreach (var chunk in names.Chunk(Chunk))
        {
            await RefreshAsync(chunk, ct);
        }

        return names.Count;
    }

    /// <summary>
    /// Evaluates the services (those in the catalog) on the platform's own data and stores the passed checks of each,
    /// unless a later evaluation was asked for while this one read. Returns what it decided, stored or not.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlySet<string>>> RefreshAsync(IReadOnlyCollection<string> names, CancellationToken ct)
    {
        var wanted = names.Distinct(StringComparer.Ordinal).ToList();
        // Counted before reading: a write that committed before this count is seen by the evaluation below; one that
        // commits after it asks for an evaluation of its own, which counts again and so makes this one's result void.
        await db.ScorecardResults.Where(r => wanted.Contains(r.Service)).ExecuteUpdateAsync(r => r.SetProperty(x => x.Generation, x => x.Generation + 1), ct);
        var rows = await db.ScorecardResults.AsNoTracking().Where(r => wanted.Contains(r.Service))
            .ToDictionaryAsync(r => r.Service, r => (r.Generation, r.PassedChecks), StringComparer.Ordinal, ct);
        var services = await db.Services.AsNoTracking().Where(s => wanted.Contains(s.Name)).ToListAsync(ct);
        var evaluated = await scorecards.EvaluateManyAsync(services, readPrometheus: false, ct);
        var now = time.GetUtcNow();
        var decided = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var (name, scorecard) in evaluated)
        {
            var passed = scorecard.Checks.Where(c => c.Passed && c.Id != "slos-declared").Select(c => c.Id).ToList();
            decided[name] = passed.ToHashSet(StringComparer.Ordinal);
            var stored = string.Join(Separator, passed);
            if (rows.TryGetValue(name, out var row))
            {
                // The periodic refresh finds nearly every result unchanged: those are not written again.
                if (string.Equals(row.PassedChecks, stored, StringComparison.Ordinal))
                {
                    continue;
                }

                var generation = row.Generation;
                await db.ScorecardResults.Where(r => r.Service == name && r.Generation == generation)
                    .ExecuteUpdateAsync(r => r.SetProperty(x => x.PassedChecks, stored).SetProperty(x => x.EvaluatedAt, now), ct);
                continue;
            }

            db.ScorecardResults.Add(new ScorecardResultEntity { Service = name, PassedChecks = stored, Generation = 0, EvaluatedAt = now });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (StoreRetry.IsUniqueKeyViolation(e) || StoreRetry.IsForeignKeyViolation(e))
            {
                // Another replica stored the first result meanwhile (its evaluation may have read before this one's write,
                // so evaluate again over its row), or the service was removed.
                db.ChangeTracker.Clear();
                if (StoreRetry.IsUniqueKeyViolation(e))
                {
                    decided[name] = (await RefreshAsync([name], ct)).GetValueOrDefault(name) ?? decided[name];
                }
            }
        }

        return decided;
    }

    /// <summary>
    /// The level of each service named that is in the catalog: from its stored checks (evaluated and stored first for a
    /// service that has none yet, e.g. just after an upgrade) and one Prometheus reading for all of them.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string?>> LevelsAsync(IReadOnlyCollection<string> names, CancellationToken ct)
    {
        var wanted = names.Distinct(StringComparer.Ordinal).ToList();
        var passed = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var chunk in wanted.Chunk(Chunk))
        {
            var stored = await db.ScorecardResults.AsNoTracking().Where(r => chunk.Contains(r.Service))
                .Select(r => new { r.Service, r.PassedChecks }).ToListAsync(ct);
            foreach (var row in stored)
            {
                passed[row.Service] = row.PassedChecks.Split(Separator, StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            }
        }

        var missing = wanted.Where(n => !passed.ContainsKey(n)).ToList();
        foreach (var chunk in missing.Chunk(Chunk))
        {
            foreach (var (name, checks) in await RefreshAsync(chunk, ct))
            {
                passed[name] = checks;
            }
        }

        var readings = levels.Levels.Any(l => l.Checks.Contains("slos-declared")) && passed.Count > 0
            ? await slos.ReadManyAsync(passed.Keys, ct)
            : null;
        return passed.ToDictionary(p => p.Key, p => levels.LevelOf(
            readings?.GetValueOrDefault(p.Key) is SloReading.Recorded { Objectives.Count: > 0 } ? new HashSet<string>(p.Value.Append("slos-declared"), StringComparer.Ordinal) : p.Value),
            StringComparer.Ordinal);
    }

    [LoggerMessage(2151, LogLevel.Warning, "Evaluating the scorecard of service '{Service}' after a write failed; the periodic refresh evaluates it again.")]
    private static partial void RefreshFailed(ILogger logger, string service, Exception exception);
}
