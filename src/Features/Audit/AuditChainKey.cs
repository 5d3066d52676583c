namespace Portal.Features.Audit;

/// <summary>
/// The chain's HMAC key on PostgreSQL, where instances share it through the database. Stored encrypted with the Data
/// Protection key ring, whose keys are themselves encrypted with a certificate kept outside the database, so someone
/// who can edit the database still cannot recompute the chain.
/// </summary>
public sealed class AuditChainKey
{
    /// <summary>Always <see cref="SingletonId"/>: there is one chain.</summary>
    public int Id { get; set; }

    public byte[] ProtectedKey { get; set; } = [];

    public DateTime CreatedUtc { get; set; }

    public const int SingletonId = 1;
}
