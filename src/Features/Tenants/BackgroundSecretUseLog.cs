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

    private readonly List<PendingUse> _pending = [];

    /// <summary>
    /// Writes <paramref name="use"/> through <paramref name="sink"/> unless this use (same details) was already recorded
    /// today, and returns once it is recorded. Concurrent first uses (a sweep's first pass over many tenants) are written
    /// together: whoever holds the write turn appends everything waiting in one transaction.
    /// </summary>
    public async Task RecordOnceAsync(int tenantId, string actor, AuditEvent use, IAuditSink sink, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(use);
        ArgumentNullException.ThrowIfNull(sink);
        var key = (tenantId, actor);
        var day = (AuditChain.CanonicalDetails(use.Details), DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        if (_recorded.TryGetValue(key, out var seen) && seen == day)
        {
            return;
        }

        var pending = new PendingUse(key, day, use);
        lock (_pending)
        {
            _pending.Add(pending);
        }

        await _writeLock.WaitAsync(ct);
        try
        {
            if (!pending.Recorded.Task.IsCompleted)
            {
                await WritePendingAsync(sink);
            }
        }
        finally
        {
            _writeLock.Release();
        }

        await pending.Recorded.Task;
    }

    private async Task WritePendingAsync(IAuditSink sink)
    {
        List<PendingUse> taken;
        lock (_pending)
        {
            taken = [.. _pending];
            _pending.Clear();
        }

        try
        {
            var toWrite = taken.Where(p => !(_recorded.TryGetValue(p.Key, out var seen) && seen == p.Day)).DistinctBy(p => (p.Key, p.Day)).ToList();
            // Not the caller's token: the write is shared by every use waiting in it.
            await sink.WriteManyAsync(toWrite.Select(p => p.Event).ToList(), CancellationToken.None);
            foreach (var p in toWrite)
            {
                _recorded[p.Key] = p.Day;
            }

            taken.ForEach(p => p.Recorded.TrySetResult());
        }
        catch (Exception ex)
        {
            taken.ForEach(p => p.Recorded.TrySetException(ex));
        }
    }

    private sealed record PendingUse((int TenantId, string Actor) Key, (string Details, DateOnly Day) Day, AuditEvent Event)
    {
        public TaskCompletionSource Recorded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Dispose() => _writeLock.Dispose();
}
