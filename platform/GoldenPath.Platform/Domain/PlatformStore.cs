using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform.Domain;

/// <summary>Plain reads of catalog entries, for the Backstage feed.</summary>
internal sealed class PlatformStore(PlatformDbContext db)
{
    public Task<ServiceEntity?> FindServiceAsync(string name, CancellationToken ct) =>
        db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);

    public async Task<IReadOnlyList<ServiceEntity>> AllServicesAsync(CancellationToken ct) =>
        await db.Services.AsNoTracking().OrderBy(s => s.Name).ToListAsync(ct);
}
