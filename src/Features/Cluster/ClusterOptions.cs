using System.ComponentModel.DataAnnotations;

namespace Portal.Features.Cluster;

/// <summary>How instances sharing one database coordinate: who runs the background work, and how fast others take over.</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>This instance's name in the lease table and logs. Empty: host name, process id and a random suffix.</summary>
    [MaxLength(120)]
    public string? InstanceName { get; set; }

    /// <summary>
    /// The longest background work stops when its instance dies: another instance takes the lease over within this
    /// period. The holder renews several times per period, so a healthy holder never loses it.
    /// </summary>
    [Range(3, 3600)]
    public int LeaseSeconds { get; set; } = 60;

    public TimeSpan LeasePeriod => TimeSpan.FromSeconds(LeaseSeconds);

    public string ResolveInstanceName() =>
        string.IsNullOrWhiteSpace(InstanceName)
            ? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}"
            : InstanceName.Trim();
}
