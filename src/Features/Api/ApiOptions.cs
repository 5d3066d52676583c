using System.ComponentModel.DataAnnotations;

namespace Portal.Features.Api;

/// <summary>Settings of the REST API under /api/v1 (section "Api").</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Requests one token may make per minute; more get 429 with Retry-After.</summary>
    [Range(1, 100_000)]
    public int RequestsPerMinute { get; set; } = 120;

    /// <summary>The longest lifetime a new token may have, in days; 0 = no maximum, and the expiry is optional.</summary>
    [Range(0, 3650)]
    public int MaxTokenLifetimeDays { get; set; }
}
