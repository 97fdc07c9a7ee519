namespace GoldenPath.Platform.Domain;

/// <summary>
/// Who runs the platform's periodic background jobs: one replica at a time, so that several replicas on one store do the
/// work once, and another when the holder stops or dies.
/// </summary>
internal abstract class BackgroundJobLease
{
    /// <summary>Whether this replica runs the jobs now: true while it holds the lease, or once it took a lease no one held.</summary>
    public abstract Task<bool> HoldAsync(CancellationToken cancellationToken);
}

/// <summary>The single-process store (SQLite): this process is the only one, and runs the jobs.</summary>
internal sealed class LocalBackgroundJobLease : BackgroundJobLease
{
    public override Task<bool> HoldAsync(CancellationToken cancellationToken) => Task.FromResult(true);
}
