using Microsoft.EntityFrameworkCore;

namespace Portal.Data;

/// <summary>
/// Cross-instance locks. On PostgreSQL these are advisory locks, so instances sharing the database take turns; on
/// SQLite there is one instance and the database's own write lock already serialises writers, so they are no-ops.
/// </summary>
public static class DatabaseLocks
{
    /// <summary>Migrations and seed data: one instance at a time brings the database up to date.</summary>
    public const long Startup = 0x50_6F_72_74_61_6C_00_01;

    /// <summary>The audit hash chain head: appends from every instance stay one linear chain.</summary>
    public const long AuditChainHead = 0x50_6F_72_74_61_6C_00_02;

    /// <summary>Holds <paramref name="key"/> until the current transaction ends (PostgreSQL); call inside a transaction.</summary>
    public static async Task LockForTransactionAsync(PortalDbContext db, long key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [key], cancellationToken);
        }
    }

    /// <summary>Holds <paramref name="key"/> on <paramref name="db"/>'s connection until the returned handle is disposed (PostgreSQL).</summary>
    public static async Task<IAsyncDisposable> HoldAsync(PortalDbContext db, long key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!db.IsPostgres)
        {
            return NoLock.Instance;
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock({0})", [key], cancellationToken);
        return new SessionLock(db, key);
    }

    private sealed class SessionLock(PortalDbContext db, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Closing the connection would also release it, but pooled connections stay open: unlock explicitly.
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock({0})", [key], CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
