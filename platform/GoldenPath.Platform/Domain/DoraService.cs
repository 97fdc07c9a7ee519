using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform.Domain;

/// <summary>Loads the deployments and incidents of a scope and window and hands them to <see cref="DoraCalculator"/>.</summary>
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

    /// <summary>The deployments of a scope to an environment in the last <paramref name="days"/> days and the incidents that name them, read once.</summary>
    public async Task<DoraWindow> WindowAsync(string? service, string? team, string environment, int days, CancellationToken ct)
    {
        var to = time.GetUtcNow();
        var from = to - TimeSpan.FromDays(days);
        var deployments = db.Deployments.AsNoTracking().Where(d => d.Environment == environment && d.FinishedAt >= from && d.FinishedAt <= to);
        if (service is not null)
        {
            deployments = deployments.Where(d => d.Service == service);
        }
        else if (team is not null)
        {
            var owned = db.Services.Where(s => s.Owner == team).Select(s => s.Name);
            deployments = deployments.Where(d => owned.Contains(d.Service));
        }

        // Only what the figures and the weekly charts read: not the deployment's policy verdict, URL, version or body hash.
        var window = await deployments.Select(d => new DeploymentEntity
        {
            DeploymentId = d.DeploymentId,
            Service = d.Service,
            Environment = d.Environment,
            Version = "",
            Commit = "",
            FinishedAt = d.FinishedAt,
            Outcome = d.Outcome,
            Type = d.Type,
            Remediates = d.Remediates,
            Commits = d.Commits,
            BodyHash = "",
        }).ToListAsync(ct);
        // Deployment ids are unique per service: an incident names a deployment of its own service. The store joins them
        // to the window's deployments itself (a semi-join on both keys), rather than matching every incident against a
        // list of the window's ids sent with the query (52,000 for a year of a 1,000-service fleet).
        // Kept to the deployments read above: one recorded between the two reads is in neither's figures.
        var keys = window.Select(d => (d.Service, d.DeploymentId)).ToHashSet();
        var incidents = (await db.Incidents.AsNoTracking()
            .Where(i => i.DeploymentId != null && deployments.Any(d => d.Service == i.Service && d.DeploymentId == i.DeploymentId))
            .ToListAsync(ct))
            .Where(i => keys.Contains((i.Service, i.DeploymentId!))).ToList();
        return new DoraWindow(service, team, environment, from, to, window, incidents);
    }
}

/// <summary>What a DORA report is computed from: a scope's deployments in a window and the incidents that name them.</summary>
internal sealed record DoraWindow(string? Service, string? Team, string Environment, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<DeploymentEntity> Deployments, IReadOnlyList<IncidentEntity> Incidents)
{
    public DoraReport Report() => DoraCalculator.Compute(Service, Team, Environment, From, To, Deployments, Incidents);
}
