using System.ComponentModel.DataAnnotations;

namespace Portal.Features.Status;

public sealed class StatusOptions
{
    public const string SectionName = "Status";

    /// <summary>Each tenant is checked this often; the first check of each tenant is spread over one interval.</summary>
    [Range(1, 1440)]
    public int IntervalMinutes { get; set; } = 15;

    /// <summary>Checks running at once, over all tenants.</summary>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = 32;

    /// <summary>Checks running at once against one upstream UEM API host (shared SaaS hosts rate-limit).</summary>
    [Range(1, 256)]
    public int MaxConcurrencyPerHost { get; set; } = 8;

    /// <summary>A tenant whose probe takes longer is recorded as a remote error; others are not held up.</summary>
    [Range(1, 600)]
    public int TenantTimeoutSeconds { get; set; } = 30;

    /// <summary>Check history older than this is pruned daily.</summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 30;

    /// <summary>Secrets older than this are due for rotation (warnings at 30/14/7/1 days before).</summary>
    [Range(1, 3650)]
    public int RotationPolicyDays { get; set; } = 180;

    /// <summary>A tenant not attested by a team lead for this long is "attestation overdue".</summary>
    [Range(1, 3650)]
    public int AttestationOverdueDays { get; set; } = 90;

    /// <summary>Off in tests that drive sweeps themselves.</summary>
    public bool SweepEnabled { get; set; } = true;

    public TimeSpan Interval => TimeSpan.FromMinutes(IntervalMinutes);
}
