using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Features.Audit;

/// <summary>
/// A signed statement, kept outside the database, of what the chain held at one moment: the head entry and its hash,
/// how many entries the chain had, and what retention had pruned by then. Someone who can edit the database cannot
/// rewrite this line (it lives in a file beside the logs) nor forge a new one (it is HMAC-signed with the chain key).
/// </summary>
public sealed record AuditCheckpoint(
    long EntryId,
    string Hash,
    long Count,
    DateTime TimeUtc,
    long PrunedThroughId,
    string PrunedThroughHash,
    string Reason)
{
    public string Signature { get; init; } = "";

    /// <summary>Everything but the signature, in a fixed order.</summary>
    internal string Canonical() => string.Join('\n',
        "checkpoint",
        EntryId.ToString(CultureInfo.InvariantCulture),
        Hash,
        Count.ToString(CultureInfo.InvariantCulture),
        TimeUtc.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        PrunedThroughId.ToString(CultureInfo.InvariantCulture),
        PrunedThroughHash,
        Reason);
}

/// <summary>What the anchor file says: the newest valid checkpoint, or the first line that fails its signature.</summary>
public sealed record AuditAnchorFileState(AuditCheckpoint? Latest, long? TamperedLine, string Path);

/// <summary>
/// The append-only anchor file (one signed JSON line per checkpoint) and the writing of checkpoints. Each instance
/// appends to its own file (<see cref="AuditOptions.AnchorFile"/>, beside its logs); appends within a process are serialised.
/// </summary>
public sealed class AuditCheckpointWriter(
    IDbContextFactory<PortalDbContext> dbFactory,
    AuditChain chain,
    TimeProvider clock,
    IOptions<AuditOptions> options,
    IHostEnvironment environment,
    ILogger<AuditCheckpointWriter> logger) : IDisposable
{
    public const string ReasonCount = "every-n-entries";
    public const string ReasonTimer = "timer";
    public const string ReasonPruned = "pruned";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private readonly SemaphoreSlim _fileLock = new(1, 1);

    public string FilePath => options.Value.ResolveAnchorPath(environment.ContentRootPath);

    /// <summary>Checkpoints the current head of the chain (no-op on an empty chain). Returns what was written.</summary>
    public async Task<AuditCheckpoint?> CheckpointAsync(string reason, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var head = await db.Set<AuditEntry>().AsNoTracking().OrderByDescending(e => e.Id).Select(e => new { e.Id, e.Hash }).FirstOrDefaultAsync(cancellationToken);
        if (head is null)
        {
            return null;
        }

        return await WriteAsync(db, head.Id, head.Hash, reason, cancellationToken);
    }

    /// <summary>Checkpoints a head the caller just wrote (the appender, inside its lock, so lines follow the chain's order).</summary>
    internal async Task<AuditCheckpoint> CheckpointAsync(long entryId, string hash, string reason, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await WriteAsync(db, entryId, hash, reason, cancellationToken);
    }

    /// <summary>Only checkpoints when the head moved since this file's newest line (the periodic timer).</summary>
    public async Task<AuditCheckpoint?> CheckpointIfMovedAsync(CancellationToken cancellationToken)
    {
        var latest = (await ReadAsync(cancellationToken)).Latest;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var headId = await db.Set<AuditEntry>().AsNoTracking().MaxAsync(e => (long?)e.Id, cancellationToken);
        return headId is null || headId == latest?.EntryId ? null : await CheckpointAsync(ReasonTimer, cancellationToken);
    }

    private async Task<AuditCheckpoint> WriteAsync(PortalDbContext db, long entryId, string hash, string reason, CancellationToken cancellationToken)
    {
        var anchor = await db.Set<AuditAnchor>().AsNoTracking().OrderByDescending(a => a.Id).FirstOrDefaultAsync(cancellationToken);
        var prunedThroughId = (anchor?.FirstRetainedId ?? 1) - 1;
        var checkpoint = new AuditCheckpoint(entryId, hash, entryId - prunedThroughId, clock.GetUtcNow().UtcDateTime,
            prunedThroughId, anchor?.PreviousHash ?? AuditChain.GenesisHash, reason);
        checkpoint = checkpoint with { Signature = chain.Sign(checkpoint) };
        var line = JsonSerializer.Serialize(checkpoint, Json) + "\n";
        await _fileLock.WaitAsync(cancellationToken);
        try
        {
            var path = FilePath;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var fileOptions = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using var stream = new FileStream(path, fileOptions);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(line), cancellationToken);
            stream.Flush(flushToDisk: true); // the anchor must survive a crash that the database survives
        }
        finally
        {
            _fileLock.Release();
        }

        logger.LogInformation("Audit checkpoint: entry {AuditEntryId} hash {AuditHash} ({Reason})", entryId, hash, reason);
        return checkpoint;
    }

    /// <summary>Reads the file; lines that do not parse (a torn last write) are skipped, a line with a wrong signature is reported.</summary>
    public async Task<AuditAnchorFileState> ReadAsync(CancellationToken cancellationToken)
    {
        var path = FilePath;
        if (!File.Exists(path))
        {
            return new AuditAnchorFileState(null, null, path);
        }

        AuditCheckpoint? latest = null;
        long lineNumber = 0;
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            AuditCheckpoint? checkpoint;
            try
            {
                checkpoint = JsonSerializer.Deserialize<AuditCheckpoint>(line, Json);
            }
            catch (JsonException)
            {
                continue;
            }

            if (checkpoint is null)
            {
                continue;
            }

            if (!string.Equals(chain.Sign(checkpoint), checkpoint.Signature, StringComparison.Ordinal))
            {
                return new AuditAnchorFileState(latest, lineNumber, path);
            }

            if (latest is null || checkpoint.EntryId >= latest.EntryId)
            {
                latest = checkpoint;
            }
        }

        return new AuditAnchorFileState(latest, null, path);
    }

    public void Dispose() => _fileLock.Dispose();
}

/// <summary>Checkpoints the head every <see cref="AuditOptions.CheckpointMinutes"/> on the instance holding the background lease.</summary>
public sealed class AuditCheckpointTimer(
    AuditCheckpointWriter writer,
    Cluster.BackgroundWorkLease lease,
    TimeProvider clock,
    IOptions<AuditOptions> options,
    ILogger<AuditCheckpointTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.CheckpointMinutes), clock);
        await lease.FirstAttempt.WaitAsync(stoppingToken);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (lease.IsHeld)
                {
                    await writer.CheckpointIfMovedAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException)
            {
                logger.LogError(ex, "Audit checkpoint failed; it is retried at the next tick");
            }
        }
    }
}
