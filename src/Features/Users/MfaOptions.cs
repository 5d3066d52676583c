using System.ComponentModel.DataAnnotations;

namespace Portal.Features.Users;

/// <summary>Multi-factor authentication for local accounts (TOTP authenticator apps).</summary>
public sealed class MfaOptions : IValidatableObject
{
    public const string SectionName = "Auth:Mfa";

    /// <summary>Roles whose members must enrol before they can do anything. Unset means Admin; blank entries are ignored,
    /// so a single empty entry (<c>Auth__Mfa__RequiredForRoles__0=</c>) requires it for nobody.</summary>
    /// <remarks>No initializer: the configuration binder appends to an initialized array instead of replacing it.</remarks>
    public string[]? RequiredForRoles { get; set; }

    /// <summary>The name authenticator apps show beside the account.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Auth:Mfa:Issuer: set the name authenticator apps show, e.g. Connector Portal.")]
    [StringLength(64)]
    public string Issuer { get; set; } = "Connector Portal";

    public IReadOnlyList<string> EffectiveRequiredRoles =>
        RequiredForRoles is null ? [Roles.Admin] : [.. RequiredForRoles.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim())];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        EffectiveRequiredRoles.Where(r => !Roles.All.Contains(r))
            .Select(r => new ValidationResult($"Auth:Mfa:RequiredForRoles: '{r}' is not a portal role. Use Helpdesk, TeamLead, Auditor or Admin.", [nameof(RequiredForRoles)]));
}

/// <summary>Fixed-window limits on sign-in attempts (the password form and the MFA code form), per client address and per account name.</summary>
public sealed class SignInRateLimitOptions
{
    public const string SectionName = "Auth:SignInRateLimit";

    [Range(1, 100_000)]
    public int PermitsPerAccount { get; set; } = 5;

    [Range(1, 100_000)]
    public int PermitsPerAddress { get; set; } = 30;

    [Range(1, 24 * 3600)]
    public int WindowSeconds { get; set; } = 60;
}
