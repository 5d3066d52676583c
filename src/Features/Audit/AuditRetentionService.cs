using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Features.Audit;

/// <summary>
/// Prunes entries past the retention period once a day. The segment is verified first: a tampered segment is kept
/// and reported, never pruned away with the evidence. The cut is recorded as a signed anchor in the database and as a
/// checkpoint in the anchor file (so verification neither misses a deletion nor calls the pruned entries "missing"),
/// and the pruning itself is audited.
/// </summary>
public sealed class AuditRetentionService(
    IDbContextFactory<PortalDbContext> dbFactory,
    AuditChain chain,
    AuditAppender appender,
    AuditVerifier verifier,
    AuditCheckpointWriter checkpoints,
    Cluster.BackgroundWorkLease lease,
    TimeProvider clock,
    IOptions<AuditOptions> options,
    ILogger<AuditRetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Hourly, on the one instance holding the background work lease; a prune with nothing to remove is one cheap query.
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        await lease.FirstAttempt.WaitAsync(stoppingToken);
        do
        {
            if (lease.IsHeld)
            {
                await Hosting.BackgroundLoop.RunPassAsync(PruneAsync, logger, "Audit retention pruning failed; it will be retried within the hour", stoppingToken);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Returns the number of entries removed.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        if (options.Value.RetentionDays == 0)
        {
            return 0;
        }

        var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-options.Value.RetentionDays);
        int removed;
        long lastRemovedId;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await DatabaseLocks.LockForTransactionAsync(db, DatabaseLocks.AuditChainHead, cancellationToken); // no append races the prune
            var last = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.TimestampUtc < cutoff).OrderByDescending(e => e.Id)
                .Select(e => new { e.Id, e.Hash }).FirstOrDefaultAsync(cancellationToken);
            if (last is null)
            {
                return 0;
            }

            var segment = await verifier.VerifySegmentAsync(db, last.Id, cancellationToken);
            if (segment.Problem is not null)
            {
                await transaction.RollbackAsync(cancellationToken);
                await ReportTamperedSegmentAsync(last.Id, segment, cancellationToken);
                return 0;
            }

            var anchor = new AuditAnchor { FirstRetainedId = last.Id + 1, PreviousHash = last.Hash, CreatedUtc = clock.GetUtcNow().UtcDateTime };
            anchor.Signature = chain.Sign(anchor);
            db.Add(anchor);
            await db.SaveChangesAsync(cancellationToken);
            removed = await db.Set<AuditEntry>().Where(e => e.Id <= last.Id).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            lastRemovedId = last.Id;
        }

        await appender.AppendAsync(new AuditEvent(AuditActions.AuditPruned, AuditOutcome.Success, Details: new Dictionary<string, string?>
        {
            ["removedEntries"] = removed.ToString(CultureInfo.InvariantCulture),
            ["lastRemovedId"] = lastRemovedId.ToString(CultureInfo.InvariantCulture),
            ["retentionDays"] = options.Value.RetentionDays.ToString(CultureInfo.InvariantCulture),
        }), "system:retention", "", null, Guid.NewGuid().ToString("N"), cancellationToken);
        await checkpoints.CheckpointAsync(AuditCheckpointWriter.ReasonPruned, cancellationToken);
        logger.LogInformation("Audit retention pruned {Removed} entries up to {LastRemovedId}", removed, lastRemovedId);
        return removed;
    }

    private async Task ReportTamperedSegmentAsync(long throughId, AuditVerifier.Walk segment, CancellationToken cancellationToken)
    {
        logger.LogError("Audit retention did not prune entries up to {LastId}: the segment fails verification at entry {FirstBrokenId} ({Problem})",
            throughId, segment.FirstBrokenId, segment.Problem);
        await appender.AppendAsync(new AuditEvent(AuditActions.AuditPruneRefused, AuditOutcome.Failure, Details: new Dictionary<string, string?>
        {
            ["segmentThroughId"] = throughId.ToString(CultureInfo.InvariantCulture),
            ["firstBrokenId"] = segment.FirstBrokenId?.ToString(CultureInfo.InvariantCulture),
            ["problem"] = segment.Problem,
        }), "system:retention", "", null, Guid.NewGuid().ToString("N"), cancellationToken);
    }
}
