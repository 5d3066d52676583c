namespace Portal.Features.Status;

/// <summary>One stored check of one layer of one tenant (history for the timeline and sparklines).</summary>
public sealed class CheckResult
{
    public long Id { get; set; }

    public int TenantId { get; set; }

    public ConnectionLayer Layer { get; set; }

    public CheckOutcome Outcome { get; set; }

    public string Diagnosis { get; set; } = "";

    public string? Fix { get; set; }

    public double LatencyMs { get; set; }

    public string? ErrorCode { get; set; }

    public string? EvidenceJson { get; set; }

    public DateTime CheckedUtc { get; set; }
}

/// <summary>
/// The derived status of a tenant, updated by the sweeper: the board's filter and sort run on this one indexed table
/// instead of recomputing from the history for thousands of tenants.
/// </summary>
public sealed class TenantStatusSnapshot
{
    public int TenantId { get; set; }

    public ConnectionStatus Status { get; set; }

    public DateTime StatusSinceUtc { get; set; }

    public DateTime? LastCheckedUtc { get; set; }

    /// <summary>Diagnosis of the worst latest layer (empty when all pass).</summary>
    public string? Diagnosis { get; set; }

    public string? Fix { get; set; }

    public DateTime? LastAttestedUtc { get; set; }

    public string? LastAttestedBy { get; set; }

    public string? LastAttestationComment { get; set; }
}

/// <summary>A team lead's "I reviewed this connection" with a comment (history; the latest is copied to the snapshot).</summary>
public sealed class StatusAttestation
{
    public long Id { get; set; }

    public int TenantId { get; set; }

    public string AttestedBy { get; set; } = "";

    public DateTime AttestedUtc { get; set; }

    public ConnectionStatus StatusAtAttestation { get; set; }

    public string Comment { get; set; } = "";

    public const int CommentMaxLength = 500;
}
