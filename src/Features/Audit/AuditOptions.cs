using System.ComponentModel.DataAnnotations;
using Portal.Hosting;

namespace Portal.Features.Audit;

public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>
    /// File holding the chain's HMAC key, encrypted with Data Protection. Kept outside the database so
    /// someone who can edit the database cannot recompute the chain. Empty: <c>audit-chain.key</c> inside the
    /// Data Protection key ring folder, so the two are backed up (and moved) together.
    /// </summary>
    public string? KeyPath { get; set; }

    /// <summary>Entries older than this are pruned daily (and the pruning is audited). 0 keeps everything.</summary>
    [Range(0, 36500)]
    public int RetentionDays { get; set; }

    /// <summary>Every this many entries the chain head is checkpointed: signed and appended to <see cref="AnchorFile"/>.</summary>
    [Range(1, 1_000_000)]
    public int CheckpointEvery { get; set; } = 1000;

    /// <summary>And at least this often (when the head moved), on the instance holding the background lease.</summary>
    [Range(1, 1440)]
    public int CheckpointMinutes { get; set; } = 15;

    /// <summary>
    /// Append-only file of signed checkpoints, outside the database (relative paths resolve against the content root;
    /// default beside the logs). Verify compares the database with its newest line, so deleted entries are named.
    /// </summary>
    [Required, MinLength(1)]
    public string AnchorFile { get; set; } = "logs/audit-anchors.jsonl";

    [Range(10, 1000)]
    public int PageSize { get; set; } = 50;

    public string ResolveAnchorPath(string contentRoot) => Path.GetFullPath(Path.Combine(contentRoot, AnchorFile));

    public string ResolveKeyPath(string contentRoot, DataProtectionStorageOptions keyRing) =>
        string.IsNullOrWhiteSpace(KeyPath)
            ? Path.Combine(keyRing.ResolveKeysPath(contentRoot), "audit-chain.key")
            : Path.GetFullPath(Path.Combine(contentRoot, KeyPath));
}
