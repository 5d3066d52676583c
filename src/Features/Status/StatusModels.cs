namespace Portal.Features.Status;

public enum RotationFilter
{
    Any = 0,

    /// <summary>In the warning window (the last 30 days before the policy age) or overdue.</summary>
    Due = 1,

    /// <summary>Older than the rotation policy.</summary>
    Overdue = 2,
}

public sealed class StatusBoardQuery
{
    public string? Search { get; set; }

    public int? RegionId { get; set; }

    public string? Tag { get; set; }

    public ConnectionStatus? Status { get; set; }

    /// <summary>Tenants with a credential in the rotation warning window or past the policy (<see cref="AttentionFilters"/>).</summary>
    public RotationFilter Rotation { get; set; }

    /// <summary>Configured tenants no team lead reviewed within Status:AttestationOverdueDays (<see cref="AttentionFilters"/>).</summary>
    public bool ReviewOverdue { get; set; }

    /// <summary>Zero-based.</summary>
    public int Page { get; set; }

    public int PageSize { get; set; } = 25;
}

public sealed record StatusCell(ConnectionLayer Layer, CheckOutcome? Outcome, DateTime? CheckedUtc, string? Diagnosis, IReadOnlyList<CheckOutcome> History);

public sealed record StatusBoardRow(
    int TenantId,
    string TenantName,
    string Region,
    IReadOnlyList<string> Tags,
    ConnectionStatus Status,
    DateTime? StatusSinceUtc,
    DateTime? LastCheckedUtc,
    string? Diagnosis,
    DateTime? LastAttestedUtc,
    string? LastAttestedBy,
    IReadOnlyList<StatusCell> Cells);

public sealed record StatusBoardResult(IReadOnlyList<StatusBoardRow> Rows, int TotalCount, IReadOnlyList<(ConnectionStatus Status, int Count)> Summary);

public sealed record CredentialAge(
    string Label,
    string Fingerprint,
    DateTime SetUtc,
    string SetBy,
    RotationPolicy.Assessment Assessment,
    DateTime? LastVerifiedOkUtc);

public sealed record AttestationView(DateTime AttestedUtc, string AttestedBy, ConnectionStatus StatusAtAttestation, string Comment);

public sealed record StatusDetail(
    StatusBoardRow Row,
    string? Fix,
    IReadOnlyList<CredentialAge> Credentials,
    IReadOnlyList<AttestationView> Attestations,
    string? SetupStepInProgress);

public sealed record CheckHistoryPage(IReadOnlyList<CheckResult> Items, int TotalCount);

public sealed record StatusActionResult(bool Succeeded, string Message)
{
    public static StatusActionResult Ok(string message) => new(true, message);

    public static StatusActionResult Fail(string message) => new(false, message);
}
