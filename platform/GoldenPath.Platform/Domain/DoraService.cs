using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform.Domain;

/// <summary>Loads the deployment facts (<see cref="DoraFacts"/>) of a scope and window and hands them to <see cref="DoraCalculator"/>: the one source of the API's reports and the portal's pages.</summary>
internal sealed class DoraService(PlatformDbContext db, TimeProvider time)
{
    /// <summary>The rules of a report's filters, for the API and the portal alike.</summary>
    public static Validation ValidateFilter(string? service, string? team, string environment, int days)
    {
        var validation = new Validation();
        if (service is not null && team is not null)
        {
            validation.Add("team", "give service or team, not both");
        }

        if (service is not null)
        {
            validation.Name("service", service);
        }

        if (team is not null)
        {
            validation.Name("team", team);
        }

        validation.Name("environment", environment);
        if (days is < 1 or > 365)
        {
            validation.Add("days", $"{days} is not between 1 and 365");
        }

        return validation;
    }

    public async Task<DoraReport> ReportAsync(string? service, string? team, string environment, int days, CancellationToken ct) =>
        (await WindowAsync(service, team, environment, days, ct)).Report();

    /// <summary>The facts of a scope's deployments to an environment in the last <paramref name="days"/> days, read once.</summary>
    public async Task<DoraWindow> WindowAsync(string? service, string? team, string environment, int days, CancellationToken ct)
    {
        var to = time.GetUtcNow();
        var from = to - TimeSpan.FromDays(days);
        var facts = db.DeploymentFacts.AsNoTracking().Where(f => f.Environment == environment && f.FinishedAt >= from && f.FinishedAt <= to);
        if (service is not null)
        {
            facts = facts.Where(f => f.Service == service);
        }
        else if (team is not null)
        {
            // A team's figures follow the current owner of each service, as its catalog entry says.
            var owned = db.Services.Where(s => s.Owner == team).Select(s => s.Name);
            facts = facts.Where(f => owned.Contains(f.Service));
        }

        // Only the narrow columns the figures and the weekly charts read (the facts hold no commits, incidents or ids).
        var window = await facts.Select(f => new DeploymentFactEntity
        {
            Service = f.Service,
            DeploymentId = "",
            Environment = f.Environment,
            FinishedAt = f.FinishedAt,
            Succeeded = f.Succeeded,
            Rework = f.Rework,
            LeadTimeHours = f.LeadTimeHours,
            Failed = f.Failed,
            RemediatedAt = f.RemediatedAt,
            RecoveredAt = f.RecoveredAt,
            RecoveryHours = f.RecoveryHours,
        }).ToListAsync(ct);
        return new DoraWindow(service, team, environment, from, to, window);
    }
}

/// <summary>What a DORA report is computed from: the facts of a scope's deployments in a window.</summary>
internal sealed record DoraWindow(string? Service, string? Team, string Environment, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<DeploymentFactEntity> Facts)
{
    public DoraReport Report() => DoraCalculator.Compute(Service, Team, Environment, From, To, Facts);
}
