using System.ComponentModel.DataAnnotations;
using Portal.Features.Validation;

namespace Portal.Features.Users;

public sealed record UserSummary(
    string Id,
    string UserName,
    string DisplayName,
    string? Email,
    IReadOnlyList<string> Roles,
    bool IsDisabled,
    bool IsLockedOut,
    bool MustChangePassword,
    DateTime CreatedUtc,
    DateTime? LastSignInUtc,
    bool MfaEnabled = false);

public sealed class CreateUserModel
{
    public const int DisplayNameMaxLength = 100;

    [Required(ErrorMessage = "User name is required.")]
    [RegularExpression("^[A-Za-z0-9._@-]{3,64}$", ErrorMessage = "User name: use 3-64 letters, digits or . _ @ -")]
    public string UserName { get; set; } = "";

    [Required(ErrorMessage = "Display name is required.")]
    [FreeText("Display name", DisplayNameMaxLength)]
    public string DisplayName { get; set; } = "";

    [EmailAddress(ErrorMessage = "E-mail: enter an address like name@example.com, or leave it empty.")]
    [StringLength(256)]
    public string? Email { get; set; }

    public HashSet<string> Roles { get; set; } = [];
}

/// <summary>Outcome of a user-administration action: success with an optional one-time password, or a message to show.</summary>
public sealed record UserActionResult(bool Succeeded, string Message, string? OneTimePassword = null)
{
    public static UserActionResult Ok(string message, string? oneTimePassword = null) => new(true, message, oneTimePassword);

    public static UserActionResult Fail(string message) => new(false, message);
}

public sealed class SignInModel
{
    [Required(ErrorMessage = "User name is required.")]
    public string UserName { get; set; } = "";

    [Required(ErrorMessage = "Password is required.")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";
}

public sealed class ChangePasswordModel
{
    [Required(ErrorMessage = "Current password is required.")]
    [DataType(DataType.Password)]
    public string CurrentPassword { get; set; } = "";

    [Required(ErrorMessage = "New password is required.")]
    [StringLength(128, MinimumLength = 12, ErrorMessage = "New password: use at least 12 characters.")]
    [DataType(DataType.Password)]
    public string NewPassword { get; set; } = "";

    [Required(ErrorMessage = "Confirm the new password.")]
    [Compare(nameof(NewPassword), ErrorMessage = "Confirm new password: it does not match the new password.")]
    [DataType(DataType.Password)]
    public string ConfirmPassword { get; set; } = "";
}

public sealed class MfaCodeModel
{
    [Required(ErrorMessage = "Code is required: enter the 6-digit code from your authenticator app.")]
    [StringLength(32, ErrorMessage = "Code: enter the 6-digit code, or a recovery code like ABCDE-12345.")]
    public string Code { get; set; } = "";
}
