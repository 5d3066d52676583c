using System.ComponentModel.DataAnnotations;

namespace Portal.Features.Users;

/// <summary>The first admin account created on an empty database.</summary>
public sealed class BootstrapOptions : IValidatableObject
{
    public const string SectionName = "Bootstrap";

    [Required, RegularExpression("^[A-Za-z0-9._@-]{3,64}$", ErrorMessage = "Bootstrap:AdminUserName must be 3-64 letters, digits or . _ @ -")]
    public string AdminUserName { get; set; } = "admin";

    /// <summary>When empty, a strong password is generated and printed once to the console (never to a log file).</summary>
    public string? AdminPassword { get; set; }

    /// <summary>The first admin must choose a new password at first sign-in.</summary>
    public bool AdminMustChangePassword { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(AdminPassword) && AdminPassword.Length < 12)
        {
            yield return new ValidationResult("Bootstrap:AdminPassword must be empty (generate one) or at least 12 characters.", [nameof(AdminPassword)]);
        }
    }
}
