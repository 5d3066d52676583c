using System.ComponentModel.DataAnnotations;

namespace Portal.Features.Users;

/// <summary>Sign-in, lockout and session lifetime settings.</summary>
public sealed class PortalAuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>A session idle for this long must sign in again (sliding expiry).</summary>
    [Range(1, 24 * 60)]
    public int IdleTimeoutMinutes { get; set; } = 30;

    /// <summary>No session lives longer than this, however active.</summary>
    [Range(1, 24 * 14)]
    public int AbsoluteSessionHours { get; set; } = 12;

    [Range(1, 100)]
    public int MaxFailedAccessAttempts { get; set; } = 5;

    [Range(1, 24 * 60)]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>How often open circuits re-check that the account is still enabled and unchanged.</summary>
    [Range(5, 3600)]
    public int RevalidationIntervalSeconds { get; set; } = 60;

    [Range(8, 128)]
    public int MinimumPasswordLength { get; set; } = 12;
}
