using Microsoft.AspNetCore.Identity;

namespace Portal.Data;

/// <summary>A signed-in person: helpdesk staff, team lead, auditor or admin.</summary>
public sealed class PortalUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary>Set for generated or reset passwords: the user must choose a new one before doing anything else.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>Disabled accounts cannot sign in; existing sessions are revoked through the security stamp.</summary>
    public bool IsDisabled { get; set; }

    public ThemePreference Theme { get; set; } = ThemePreference.System;

    public DateTime CreatedUtc { get; set; }

    public DateTime? LastSignInUtc { get; set; }
}

public enum ThemePreference
{
    System = 0,
    Light = 1,
    Dark = 2,
}
