using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Features.Audit;

/// <summary>
/// Appends entries to the hash chain. Appends are serialised in-process, and across instances by SQLite's write lock
/// or a PostgreSQL advisory lock.
/// </summary>
public sealed class AuditService(
    AuditAppender appender,
    AuditContext context,
    IDbContextFactory<PortalDbContext> dbFactory) : IAuditSink
{
    public async Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        var (actor, roles, sourceIp, correlation) = await context.DescribeAsync(auditEvent.ActorOverride);
        if (auditEvent.TenantName is null && int.TryParse(auditEvent.TenantId, System.Globalization.CultureInfo.InvariantCulture, out var tenantId))
        {
            // Auditors search by customer name; keep the name as it was at the time of the action.
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var name = await db.Set<Tenants.Tenant>().AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.DisplayName).FirstOrDefaultAsync(cancellationToken);
            auditEvent = auditEvent with { TenantName = name };
        }

        await appender.AppendAsync(auditEvent, actor, roles, sourceIp, correlation, cancellationToken);
    }

    /// <summary>One transaction for all the events; each names its tenant (no look-up) and they share one actor.</summary>
    public async Task WriteManyAsync(IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvents);
        foreach (var group in auditEvents.GroupBy(e => e.ActorOverride))
        {
            var (actor, roles, sourceIp, correlation) = await context.DescribeAsync(group.Key);
            await appender.AppendManyAsync([.. group], actor, roles, sourceIp, correlation, cancellationToken);
        }
    }
}

/// <summary>Singleton that owns the chain head: one append at a time, inside a write transaction.</summary>
public sealed class AuditAppender(
    IDbContextFactory<PortalDbContext> dbFactory,
    AuditChain chain,
    AuditCheckpointWriter checkpoints,
    TimeProvider clock,
    IOptions<AuditOptions> options,
    ILogger<AuditAppender> logger,
    Telemetry.PortalMetrics? metrics = null) : IDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public async Task<AuditEntry> AppendAsync(AuditEvent auditEvent, string actor, string roles, string? sourceIp, string correlationId, CancellationToken cancellationToken) =>
        (await AppendManyAsync([auditEvent], actor, roles, sourceIp, correlationId, cancellationToken))[0];

    /// <summary>Appends the events in order in one transaction (one chain-head read and commit for all of them), all by the same actor.</summary>
    public async Task<IReadOnlyList<AuditEntry>> AppendManyAsync(IReadOnlyList<AuditEvent> auditEvents, string actor, string roles, string? sourceIp, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvents);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            // The chain-head lock is taken before the head is read, so no other process can fork the chain: SQLite's
            // BEGIN IMMEDIATE write lock, or on PostgreSQL an advisory lock held until commit.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await DatabaseLocks.LockForTransactionAsync(db, DatabaseLocks.AuditChainHead, cancellationToken);
            var head = await db.Set<AuditEntry>().AsNoTracking().OrderByDescending(e => e.Id)
                .Select(e => new { e.Id, e.Hash }).FirstOrDefaultAsync(cancellationToken);
            var previousHash = head?.Hash ?? await AnchorHashAsync(db, cancellationToken);
            var previousId = head?.Id ?? await AnchorStartAsync(db, cancellationToken);
            var entries = new List<AuditEntry>(auditEvents.Count);
            foreach (var auditEvent in auditEvents)
            {
                var entry = new AuditEntry
                {
                    Id = ++previousId,
                    // Hashed as stored: whole microseconds, the precision both providers keep.
                    TimestampUtc = UtcDateTimeConverter.TruncateToMicroseconds(clock.GetUtcNow().UtcDateTime),
                    Actor = Truncate(actor, 256),
                    ActorRoles = Truncate(roles, 128),
                    SourceIp = sourceIp is null ? null : Truncate(sourceIp, 64),
                    TenantId = auditEvent.TenantId,
                    TenantName = auditEvent.TenantName is null ? null : Truncate(auditEvent.TenantName, 200),
                    Action = auditEvent.Action,
                    Outcome = auditEvent.Outcome,
                    DetailsJson = AuditChain.CanonicalDetails(auditEvent.Details),
                    CorrelationId = Truncate(correlationId, 64),
                    PreviousHash = previousHash,
                };
                entry.Hash = chain.ComputeHash(previousHash, entry);
                previousHash = entry.Hash;
                db.Add(entry);
                entries.Add(entry);
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            metrics?.CountAuditAppends(entries.Count);
            foreach (var entry in entries.Where(e => e.Id % options.Value.CheckpointEvery == 0))
            {
                await CheckpointAsync(entry, cancellationToken);
            }

            return entries;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The entry is committed either way: a full disk or unwritable anchor file is logged, never turned into a failed action.</summary>
    private async Task CheckpointAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await checkpoints.CheckpointAsync(entry.Id, entry.Hash, AuditCheckpointWriter.ReasonCount, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError(ex, "Audit checkpoint at entry {AuditEntryId} could not be written to the anchor file", entry.Id);
        }
    }

    private static async Task<string> AnchorHashAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        await db.Set<AuditAnchor>().AsNoTracking().OrderByDescending(a => a.Id).Select(a => a.PreviousHash).FirstOrDefaultAsync(cancellationToken)
        ?? AuditChain.GenesisHash;

    private static async Task<long> AnchorStartAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        (await db.Set<AuditAnchor>().AsNoTracking().OrderByDescending(a => a.Id).Select(a => (long?)a.FirstRetainedId).FirstOrDefaultAsync(cancellationToken) ?? 1) - 1;

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    public void Dispose() => _writeLock.Dispose();
}
