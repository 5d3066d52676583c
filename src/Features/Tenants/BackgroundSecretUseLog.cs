using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;

namespace Portal.Features.Tenants;

/// <summary>
/// Background jobs read a tenant's secrets on every probe (every 15 minutes, at 10,000 tenants ≈ 960,000 reads a day).
/// Recording each one would bury the trail, so a background use is recorded once per job, tenant, secret version and
/// UTC day. The memo is per process; on a miss (start-up, another instance wrote it) the trail itself is asked.
/// </summary>
public sealed class BackgroundSecretUseLog(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock) : IDisposable
{
    public const string Action = "tenant.secrets.use";

    private readonly ConcurrentDictionary<(int TenantId, string Actor), (string Details, DateOnly Day)> _recorded = new();

    private readonly SemaphoreSlim _missLock = new(1, 1);

    /// <summary>Calls <paramref name="write"/> unless this use (same details) was already recorded today.</summary>
    public async Task RecordOnceAsync(int tenantId, string actor, IReadOnlyDictionary<string, string?> details, Func<Task> write, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(write);
        var canonical = AuditChain.CanonicalDetails(details);
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var key = (tenantId, actor);
        if (_recorded.TryGetValue(key, out var seen) && seen == (canonical, today))
        {
            return;
        }

        // Rare (once per tenant a day): serialised, so concurrent probes of one tenant record it once.
        await _missLock.WaitAsync(ct);
        try
        {
            if (!(_recorded.TryGetValue(key, out seen) && seen == (canonical, today)) && !await RecordedTodayAsync(tenantId, actor, canonical, today, ct))
            {
                await write();
            }

            _recorded[key] = (canonical, today);
        }
        finally
        {
            _missLock.Release();
        }
    }

    private async Task<bool> RecordedTodayAsync(int tenantId, string actor, string canonical, DateOnly today, CancellationToken ct)
    {
        var tenantKey = tenantId.ToString(CultureInfo.InvariantCulture);
        var dayStart = today.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<AuditEntry>().AsNoTracking().AnyAsync(e =>
            e.TenantId == tenantKey && e.Action == Action && e.Actor == actor && e.TimestampUtc >= dayStart && e.DetailsJson == canonical, ct);
    }

    public void Dispose() => _missLock.Dispose();
}
