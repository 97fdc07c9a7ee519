using Microsoft.EntityFrameworkCore;

namespace GoldenPath.Platform.Domain;

/// <summary>
/// Upserts under concurrency: read, then insert or update; when two requests insert the same key at once the
/// loser's unique-key violation is retried as an update, so parallel writers lose nothing and create no duplicates.
/// </summary>
internal static class StoreRetry
{
    public static async Task<T> UpsertAsync<T>(DbContext db, Func<Task<T?>> find, Func<T> create, Action<T> update, CancellationToken cancellationToken)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            var entity = await find().ConfigureAwait(false);
            if (entity is null)
            {
                entity = create();
                db.Add(entity);
            }
            else
            {
                update(entity);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return entity;
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                db.ChangeTracker.Clear();
            }
        }
    }
}
