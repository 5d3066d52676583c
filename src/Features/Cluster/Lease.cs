namespace Portal.Features.Cluster;

/// <summary>One named lease row: which instance holds it and until when. Taken over by another instance once expired.</summary>
public sealed class Lease
{
    public string Name { get; set; } = "";

    public string Holder { get; set; } = "";

    public DateTime AcquiredUtc { get; set; }

    public DateTime ExpiresUtc { get; set; }
}
