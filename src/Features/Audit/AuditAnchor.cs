namespace Portal.Features.Audit;

/// <summary>
/// Where verification starts after retention pruning: the first retained id and the hash it must chain
/// from. The anchor itself is HMAC-signed so it cannot be moved to hide a deletion.
/// </summary>
public sealed class AuditAnchor
{
    public int Id { get; set; }

    public long FirstRetainedId { get; set; }

    public string PreviousHash { get; set; } = "";

    public DateTime CreatedUtc { get; set; }

    public string Signature { get; set; } = "";
}
