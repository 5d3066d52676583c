namespace Portal.Features.Audit;

/// <summary>Filters of the audit page; every field round-trips through the URL query string.</summary>
public sealed record AuditFilter
{
    public DateTime? FromUtc { get; init; }

    public DateTime? ToUtc { get; init; }

    public string? Actor { get; init; }

    public string? TenantId { get; init; }

    public string? Action { get; init; }

    public AuditOutcome? Outcome { get; init; }

    public static AuditFilter None { get; } = new();
}

/// <summary>One page, newest first. Cursors are entry ids (keyset paging: no OFFSET).</summary>
public sealed record AuditEntriesPage(IReadOnlyList<AuditEntry> Entries, long? OlderThanId, long? NewerThanId)
{
    public bool HasOlder => OlderThanId is not null;

    public bool HasNewer => NewerThanId is not null;
}

public sealed record AuditVerification(
    bool IsIntact,
    long EntriesChecked,
    long? HeadId,
    string? HeadHash,
    long? FirstBrokenId,
    string? Problem,
    TimeSpan Duration)
{
    /// <summary>The signed checkpoint outside the database the chain was compared with (null when none was written yet).</summary>
    public AuditCheckpoint? Checkpoint { get; init; }
}
