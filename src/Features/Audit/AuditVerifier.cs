using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Components.Shared.LongWork;
using Portal.Data;

namespace Portal.Features.Audit;

/// <summary>
/// Walks the hash chain and compares it with the newest signed checkpoint outside the database, so a deleted tail or
/// a wiped table is reported by name instead of "verifying" as a shorter chain.
/// </summary>
public sealed class AuditVerifier(IDbContextFactory<PortalDbContext> dbFactory, AuditChain chain, AuditCheckpointWriter checkpoints)
{
    private const int BatchSize = 5000;

    /// <summary>Entries between progress reports: cheap enough per call, and the page throttles re-renders anyway.</summary>
    internal const int ReportEvery = 250;

    /// <summary>Result of walking part of the chain: where it stopped and why.</summary>
    internal sealed record Walk(long Checked, long LastId, string LastHash, long? FirstBrokenId, string? Problem, string? HashAtWatch);

    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken) => VerifyAsync(progress: null, cancellationToken);

    /// <summary>
    /// Verifies the chain, reporting entries checked of the total counted at the start. Cancelling throws
    /// <see cref="WorkCancelledException"/> saying how far it got; verification only reads, so nothing was changed.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var file = await checkpoints.ReadAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var start = await StartAsync(db, file.Latest, cancellationToken);
        if (start.Problem is not null)
        {
            return new AuditVerification(false, 0, null, null, start.FirstId, start.Problem, stopwatch.Elapsed);
        }

        if (file.TamperedLine is { } line)
        {
            return new AuditVerification(false, 0, null, null, null,
                $"Line {line.ToString(CultureInfo.InvariantCulture)} of the checkpoint file '{file.Path}' does not carry a valid signature: the file was altered.", stopwatch.Elapsed);
        }

        var checkpoint = file.Latest;
        var firstId = start.FirstId;
        var total = await db.Set<AuditEntry>().LongCountAsync(e => e.Id >= firstId, cancellationToken);
        var counter = new WalkProgress(progress, total);
        counter.Report(0);
        Walk walk;
        try
        {
            walk = await WalkAsync(db, start.FirstId, start.PreviousHash, long.MaxValue, checkpoint?.EntryId, counter, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var reached = new WorkProgress(counter.Checked, total);
            throw new WorkCancelledException($"Verification cancelled after {reached.Describe("entries")}; nothing was changed.", reached, cancellationToken);
        }

        counter.Report(walk.Checked);
        if (walk.Problem is not null)
        {
            return new AuditVerification(false, walk.Checked, walk.Checked == 0 ? null : walk.LastId, walk.LastHash, walk.FirstBrokenId, walk.Problem, stopwatch.Elapsed);
        }

        if (checkpoint is not null && checkpoint.EntryId >= start.FirstId)
        {
            var at = checkpoint.TimeUtc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
            if (walk.LastId < checkpoint.EntryId)
            {
                var first = walk.LastId + 1;
                var missing = first == checkpoint.EntryId
                    ? $"Entry {N(first)} is missing"
                    : $"Entries {N(first)}–{N(checkpoint.EntryId)} are missing";
                return new AuditVerification(false, walk.Checked, walk.Checked == 0 ? null : walk.LastId, walk.Checked == 0 ? null : walk.LastHash, first,
                    $"{missing} since the checkpoint at {at} (entry {N(checkpoint.EntryId)}, {N(checkpoint.Count)} entries then): deleted from the database.",
                    stopwatch.Elapsed);
            }

            if (!string.Equals(walk.HashAtWatch, checkpoint.Hash, StringComparison.Ordinal))
            {
                return new AuditVerification(false, walk.Checked, walk.LastId, walk.LastHash, checkpoint.EntryId,
                    $"Entry {N(checkpoint.EntryId)} does not match the checkpoint at {at}: the chain up to it was replaced.", stopwatch.Elapsed);
            }
        }

        return new AuditVerification(true, walk.Checked, walk.Checked == 0 ? null : walk.LastId, walk.Checked == 0 ? null : walk.LastHash, null, null, stopwatch.Elapsed)
        {
            Checkpoint = checkpoint,
        };
    }

    /// <summary>Verifies entries up to <paramref name="throughId"/> from the current start (retention checks a segment before pruning it).</summary>
    internal async Task<Walk> VerifySegmentAsync(PortalDbContext db, long throughId, CancellationToken cancellationToken)
    {
        var start = await StartAsync(db, null, cancellationToken);
        if (start.Problem is not null)
        {
            return new Walk(0, start.FirstId - 1, start.PreviousHash, start.FirstId, start.Problem, null);
        }

        var walk = await WalkAsync(db, start.FirstId, start.PreviousHash, throughId, null, null, cancellationToken);
        return walk.Problem is null && walk.LastId < throughId
            ? walk with { FirstBrokenId = walk.LastId + 1, Problem = $"Entry {N(walk.LastId + 1)} is missing (deleted)." }
            : walk;
    }

    private sealed record Start(long FirstId, string PreviousHash, string? Problem);

    /// <summary>
    /// Where the chain starts: after whatever retention pruned, as recorded by the newest signed anchor in the database
    /// or, if that row was removed, by the newest checkpoint in the file.
    /// </summary>
    private async Task<Start> StartAsync(PortalDbContext db, AuditCheckpoint? checkpoint, CancellationToken cancellationToken)
    {
        var anchor = await db.Set<AuditAnchor>().AsNoTracking().OrderByDescending(a => a.Id).FirstOrDefaultAsync(cancellationToken);
        if (anchor is not null && chain.Sign(anchor) != anchor.Signature)
        {
            return new Start(anchor.FirstRetainedId, anchor.PreviousHash, "The retention anchor was altered.");
        }

        var start = new Start(anchor?.FirstRetainedId ?? 1, anchor?.PreviousHash ?? AuditChain.GenesisHash, null);
        return checkpoint is not null && checkpoint.PrunedThroughId + 1 > start.FirstId
            ? new Start(checkpoint.PrunedThroughId + 1, checkpoint.PrunedThroughHash, null)
            : start;
    }

    /// <summary>Reports entries checked of the total; the total grows if entries were appended during the walk.</summary>
    private sealed class WalkProgress(IProgress<WorkProgress>? progress, long total)
    {
        public long Checked { get; private set; }

        public void Report(long done)
        {
            Checked = done;
            progress?.Report(new WorkProgress(done, Math.Max(done, total)));
        }
    }

    private async Task<Walk> WalkAsync(PortalDbContext db, long firstId, string previousHash, long throughId, long? watchId, WalkProgress? progress, CancellationToken cancellationToken)
    {
        var expectedId = firstId;
        long checkedCount = 0;
        var lastId = firstId - 1;
        string? hashAtWatch = null;
        while (true)
        {
            var from = lastId;
            var batch = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Id > from && e.Id <= throughId).OrderBy(e => e.Id).Take(BatchSize).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return new Walk(checkedCount, lastId, previousHash, null, null, hashAtWatch);
            }

            foreach (var entry in batch)
            {
                string? problem = null;
                if (entry.Id != expectedId)
                {
                    problem = entry.Id > expectedId
                        ? $"Entry {expectedId.ToString(CultureInfo.InvariantCulture)} is missing (deleted)."
                        : $"Entry {entry.Id.ToString(CultureInfo.InvariantCulture)} is out of sequence.";
                }
                else if (entry.PreviousHash != previousHash)
                {
                    problem = "The link to the previous entry does not match (an entry was deleted, reordered or edited).";
                }
                else if (chain.ComputeHash(previousHash, entry) != entry.Hash)
                {
                    problem = "The entry's content does not match its hash (it was edited).";
                }

                if (problem is not null)
                {
                    return new Walk(checkedCount, lastId, previousHash, entry.Id, problem, hashAtWatch);
                }

                if (entry.Id == watchId)
                {
                    hashAtWatch = entry.Hash;
                }

                checkedCount++;
                previousHash = entry.Hash;
                lastId = entry.Id;
                expectedId++;
                if (checkedCount % ReportEvery == 0)
                {
                    progress?.Report(checkedCount);
                    cancellationToken.ThrowIfCancellationRequested(); // a Cancel or an aborted request lands within one report
                }
            }

            db.ChangeTracker.Clear();
        }
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
