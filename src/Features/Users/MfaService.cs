using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Audit;
using QRCoder;

namespace Portal.Features.Users;

/// <summary>What the MFA page shows: the key to enrol with (only while MFA is off) or how many recovery codes are left.</summary>
public sealed record MfaStatus(bool Enabled, string? GroupedKey, string? QrCodeDataUri, int RecoveryCodesLeft);

/// <summary>Outcome of turning MFA on or regenerating codes: the recovery codes to show once, or a message naming the fix.</summary>
public sealed record MfaCodesResult(IReadOnlyList<string> RecoveryCodes, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>TOTP enrolment for the signed-in user through Identity's authenticator support.</summary>
public sealed class MfaService(
    UserManager<PortalUser> users,
    SignInManager<PortalUser> signInManager,
    IOptions<MfaOptions> options,
    IAuditSink audit)
{
    public const int RecoveryCodeCount = 10;

    public async Task<MfaStatus?> GetStatusAsync(ClaimsPrincipal principal)
    {
        if (await users.GetUserAsync(principal) is not { } user)
        {
            return null;
        }

        if (user.TwoFactorEnabled)
        {
            return new MfaStatus(true, null, null, await users.CountRecoveryCodesAsync(user));
        }

        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            await signInManager.RefreshSignInAsync(user); // the reset renews the security stamp; keep this session valid
            key = await users.GetAuthenticatorKeyAsync(user);
        }

        return new MfaStatus(false, Grouped(key!), QrCodeDataUri(AuthenticatorUri(user.UserName!, key!)), 0);
    }

    public async Task<MfaCodesResult> EnableAsync(ClaimsPrincipal principal, string code)
    {
        if (await users.GetUserAsync(principal) is not { } user)
        {
            return new([], "Your session has ended. Sign in again.");
        }

        if (user.TwoFactorEnabled)
        {
            return new([], "Multi-factor authentication is already on for your account.");
        }

        var token = code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, token))
        {
            return new([], "Code: it does not match. Enter the 6-digit code your authenticator app shows now for this account.");
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount);
        await signInManager.RefreshSignInAsync(user); // drops the must-enrol flag from the cookie
        await audit.WriteAsync(new AuditEvent(AuditActions.MfaEnrolled, AuditOutcome.Success) { ActorOverride = user.UserName });
        return new([.. codes!], null);
    }

    public async Task<MfaCodesResult> RegenerateRecoveryCodesAsync(ClaimsPrincipal principal)
    {
        if (await users.GetUserAsync(principal) is not { TwoFactorEnabled: true } user)
        {
            return new([], "Turn on multi-factor authentication first.");
        }

        var codes = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount);
        await audit.WriteAsync(new AuditEvent(AuditActions.MfaRecoveryCodesRegenerated, AuditOutcome.Success) { ActorOverride = user.UserName });
        return new([.. codes!], null);
    }

    /// <summary>The key in groups of four, as people type it into an app.</summary>
    internal static string Grouped(string key)
    {
        var text = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            text.Append(i == 0 ? "" : " ").Append(key.AsSpan(i, Math.Min(4, key.Length - i)));
        }

        return text.ToString().ToLowerInvariant();
    }

    private string AuthenticatorUri(string userName, string key)
    {
        var issuer = Uri.EscapeDataString(options.Value.Issuer);
        return $"otpauth://totp/{issuer}:{Uri.EscapeDataString(userName)}?secret={key}&issuer={issuer}&digits=6";
    }

    /// <summary>A PNG rendered on the server: the page needs no script library to show the code.</summary>
    private static string QrCodeDataUri(string content)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(content, QRCodeGenerator.ECCLevel.Q);
        var png = new PngByteQRCode(data).GetGraphic(5);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
