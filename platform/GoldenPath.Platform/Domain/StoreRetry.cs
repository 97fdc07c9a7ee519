using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace GoldenPath.Platform.Domain;

/// <summary>
/// Upserts under concurrency: read, then insert or update; when two requests insert the same key at once the
/// loser's unique-key violation is retried as an update, so parallel writers lose nothing and create no duplicates.
/// Any other failure of the store (a constraint, a full disk, a lost connection) is not a race and surfaces at once.
/// </summary>
internal static class StoreRetry
{
    private const int SqliteUniqueViolation = 2067;
    private const int SqlitePrimaryKeyViolation = 1555;

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
            catch (DbUpdateException e) when (IsUniqueKeyViolation(e) && attempt < 5)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// Gets whether a write failed because another writer stored the same key first: PostgreSQL's
    /// <c>unique_violation</c> (23505), SQLite's <c>SQLITE_CONSTRAINT_UNIQUE</c> (2067) or <c>SQLITE_CONSTRAINT_PRIMARYKEY</c> (1555).
    /// </summary>
    /// <summary>
    /// Gets whether a write failed because the row it refers to is gone: PostgreSQL's <c>foreign_key_violation</c> (23503)
    /// or SQLite's <c>SQLITE_CONSTRAINT_FOREIGNKEY</c> (787) — a service removed between a write's check and its insert.
    /// </summary>
    public static bool IsForeignKeyViolation(DbUpdateException exception) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation }
            or SqliteException { SqliteExtendedErrorCode: 787 };

    public static bool IsUniqueKeyViolation(DbUpdateException exception) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }
            or SqliteException { SqliteExtendedErrorCode: SqliteUniqueViolation or SqlitePrimaryKeyViolation };
}
