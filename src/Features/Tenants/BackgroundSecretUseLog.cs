using System.Collections.Concurrent;
using Portal.Features.Audit;

namespace Portal.Features.Tenants;

/// <summary>
/// Background jobs read a tenant's secrets on every probe (every 15 minutes, at 10,000 tenants ≈ 960,000 reads a day).
/// Recording each one would bury the trail, so a background use is recorded once per job, tenant, secret version (the
/// fingerprints) and UTC day. The memo is in memory: a restarted process, or a second instance running "Check now",
/// records the day's use once more. Deliberately no database look-up: a check's query budget stays what it was.
/// </summary>
public sealed class BackgroundSecretUseLog(TimeProvider clock) : IDisposable
{
    public const string Action = "tenant.secrets.use";

    private readonly ConcurrentDictionary<(int TenantId, string Actor), (string Details, DateOnly Day)> _recorded = new();

    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>Calls <paramref name="write"/> unless this use (same details) was already recorded today.</summary>
    public async Task RecordOnceAsync(int tenantId, string actor, IReadOnlyDictionary<string, string?> details, Func<Task> write, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(write);
        var key = (tenantId, actor);
        var use = (AuditChain.CanonicalDetails(details), DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        if (_recorded.TryGetValue(key, out var seen) && seen == use)
        {
            return;
        }

        // Rare (once per tenant a day): serialised, so concurrent probes of one tenant record it once.
        await _writeLock.WaitAsync(ct);
        try
        {
            if (!(_recorded.TryGetValue(key, out seen) && seen == use))
            {
                await write();
                _recorded[key] = use;
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _writeLock.Dispose();
}
