namespace Portal.Features.Audit;

/// <summary>
/// One append-only audit record. <see cref="Hash"/> is an HMAC over <see cref="PreviousHash"/> and the
/// canonical content, so editing, deleting or reordering any row breaks every later link.
/// </summary>
public sealed class AuditEntry
{
    /// <summary>Assigned by the appender inside the write lock (1, 2, 3, …), never by the database.</summary>
    public long Id { get; set; }

    public DateTime TimestampUtc { get; set; }

    public string Actor { get; set; } = "";

    public string ActorRoles { get; set; } = "";

    public string? SourceIp { get; set; }

    public string? TenantId { get; set; }

    public string? TenantName { get; set; }

    public string Action { get; set; } = "";

    public AuditOutcome Outcome { get; set; }

    /// <summary>Structured details as canonical JSON (sorted keys). Never a secret: only fingerprints.</summary>
    public string DetailsJson { get; set; } = "{}";

    public string CorrelationId { get; set; } = "";

    public string PreviousHash { get; set; } = "";

    public string Hash { get; set; } = "";
}

public enum AuditOutcome
{
    Success = 0,
    Failure = 1,
    Denied = 2,

    /// <summary>A save refused because someone else changed the record first.</summary>
    Conflict = 3,
}
