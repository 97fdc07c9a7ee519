using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform.Domain;

/// <summary>Loads the deployments and incidents of a scope and window and hands them to <see cref="DoraCalculator"/>.</summary>
internal sealed class DoraService(PlatformDbContext db, TimeProvider time)
{
    public async Task<DoraReport> ReportAsync(string? service, string? team, string environment, int days, CancellationToken ct)
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

        var window = await deployments.ToListAsync(ct);
        var ids = window.Select(d => d.DeploymentId).ToList();
        var incidents = await db.Incidents.AsNoTracking().Where(i => i.DeploymentId != null && ids.Contains(i.DeploymentId)).ToListAsync(ct);
        return DoraCalculator.Compute(service, team, environment, from, to, window, incidents);
    }
}
