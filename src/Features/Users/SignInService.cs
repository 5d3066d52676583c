using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Portal.Data;
using Microsoft.Extensions.Options;
using Portal.Features.Audit;
using Portal.Features.SingleSignOn;

namespace Portal.Features.Users;

public enum SignInOutcome
{
    Succeeded,
    MustChangePassword,
    RequiresMfa,
    Failed,
    LockedOut,

    /// <summary>Local password sign-in is off (<c>Auth:LocalSignIn:Enabled=false</c>) and this is not the break-glass admin.</summary>
    LocalSignInOff,

    MfaSessionExpired,
}

/// <summary>Sign-in, sign-out and password change for the static account pages.</summary>
public sealed class SignInService(
    SignInManager<PortalUser> signInManager,
    UserManager<PortalUser> users,
    TimeProvider clock,
    IAuditSink audit,
    ILogger<SignInService> logger,
    IOptions<LocalSignInOptions> localSignIn)
{
    /// <summary>The actor recorded for attempts on a name that does not exist: people type passwords into that field.</summary>
    public const string UnknownUserActor = "(unknown user)";

    private static readonly PortalUser DummyUser = new() { UserName = "dummy" };
    private static string? s_dummyHash;

    public async Task<SignInOutcome> SignInAsync(string userName, string password)
    {
        var name = userName.Trim();
        if (!localSignIn.Value.AllowsPasswordSignIn(name))
        {
            // The typed name is not recorded: people type passwords into the user-name field.
            logger.LogWarning("Password sign-in refused: local sign-in is off and the name is not the break-glass admin");
            await audit.WriteAsync(new AuditEvent(AuditActions.SignInFailed, AuditOutcome.Denied, Details: new Dictionary<string, string?>
            {
                ["reason"] = "password sign-in is off (Auth:LocalSignIn:Enabled=false)",
            }) { ActorOverride = "anonymous" });
            return SignInOutcome.LocalSignInOff;
        }

        var user = await users.FindByNameAsync(name);
        if (user is null)
        {
            // The same work as a wrong password (one hash check), so the response time does not tell which names exist.
            s_dummyHash ??= users.PasswordHasher.HashPassword(DummyUser, Guid.NewGuid().ToString());
            users.PasswordHasher.VerifyHashedPassword(DummyUser, s_dummyHash, password);
            logger.LogWarning("Sign-in failed for a user name that does not exist");
            await audit.WriteAsync(new AuditEvent(AuditActions.SignInFailed, AuditOutcome.Failure, Details: new Dictionary<string, string?>
            {
                ["reason"] = "wrong user name or password",
            }) { ActorOverride = UnknownUserActor });
            return SignInOutcome.Failed;
        }

        name = user.UserName!;
        var result = await signInManager.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            logger.LogWarning("Sign-in refused for {UserName}: account locked out", name);
            await audit.WriteAsync(new AuditEvent(AuditActions.SignInLockedOut, AuditOutcome.Denied) { ActorOverride = name });
            return SignInOutcome.LockedOut;
        }

        if (result.RequiresTwoFactor)
        {
            logger.LogInformation("Password accepted for {UserName}; waiting for the second factor", name);
            return SignInOutcome.RequiresMfa;
        }

        if (!result.Succeeded)
        {
            logger.LogWarning("Sign-in failed for {UserName}", name);
            await audit.WriteAsync(new AuditEvent(AuditActions.SignInFailed, AuditOutcome.Failure, Details: new Dictionary<string, string?>
            {
                ["reason"] = result.IsNotAllowed ? "account disabled" : "wrong user name or password",
            }) { ActorOverride = name });
            return SignInOutcome.Failed;
        }

        return await CompleteSignInAsync(user, "password");
    }

    /// <summary>The second step: a 6-digit authenticator code, or a recovery code (used once).</summary>
    public async Task<SignInOutcome> SignInWithMfaAsync(string code)
    {
        var user = await signInManager.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            return SignInOutcome.MfaSessionExpired;
        }

        var token = code.Replace(" ", "", StringComparison.Ordinal);
        var isAuthenticatorCode = token.Length == 6 && token.All(char.IsAsciiDigit);
        var result = isAuthenticatorCode
            ? await signInManager.TwoFactorAuthenticatorSignInAsync(token, isPersistent: false, rememberClient: false)
            : await signInManager.TwoFactorRecoveryCodeSignInAsync(token);
        if (result.IsLockedOut)
        {
            logger.LogWarning("Second factor refused for {UserName}: account locked out", user.UserName);
            await audit.WriteAsync(new AuditEvent(AuditActions.SignInLockedOut, AuditOutcome.Denied) { ActorOverride = user.UserName });
            return SignInOutcome.LockedOut;
        }

        if (!result.Succeeded)
        {
            logger.LogWarning("Second factor failed for {UserName}", user.UserName);
            await audit.WriteAsync(new AuditEvent(AuditActions.SignInFailed, AuditOutcome.Failure, Details: new Dictionary<string, string?>
            {
                ["reason"] = isAuthenticatorCode ? "wrong authenticator code" : "wrong or used recovery code",
            }) { ActorOverride = user.UserName });
            return SignInOutcome.Failed;
        }

        if (!isAuthenticatorCode)
        {
            await audit.WriteAsync(new AuditEvent(AuditActions.MfaRecoveryCodeUsed, AuditOutcome.Success, Details: new Dictionary<string, string?>
            {
                ["recoveryCodesLeft"] = (await users.CountRecoveryCodesAsync(user)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            }) { ActorOverride = user.UserName });
        }

        return await CompleteSignInAsync(user, isAuthenticatorCode ? "authenticator code" : "recovery code");
    }

    private async Task<SignInOutcome> CompleteSignInAsync(PortalUser user, string method)
    {
        user.LastSignInUtc = clock.GetUtcNow().UtcDateTime;
        await users.UpdateAsync(user);
        logger.LogInformation("Signed in {UserName}", user.UserName);
        await audit.WriteAsync(new AuditEvent(AuditActions.SignInSucceeded, AuditOutcome.Success, Details: new Dictionary<string, string?>
        {
            ["method"] = method,
        }) { ActorOverride = user.UserName });
        return user.MustChangePassword ? SignInOutcome.MustChangePassword : SignInOutcome.Succeeded;
    }

    public async Task<IReadOnlyList<string>> ChangePasswordAsync(ClaimsPrincipal principal, ChangePasswordModel model)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null)
        {
            return ["Your session has ended. Sign in again."];
        }

        if (model.NewPassword == model.CurrentPassword)
        {
            return ["New password: choose a password different from the current one."];
        }

        var result = await users.ChangePasswordAsync(user, model.CurrentPassword, model.NewPassword);
        if (!result.Succeeded)
        {
            return [.. result.Errors.Select(e => e.Code == "PasswordMismatch" ? "Current password: it is not correct." : "New password: " + e.Description)];
        }

        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        await signInManager.RefreshSignInAsync(user);
        logger.LogInformation("Password changed for {UserName}", user.UserName);
        await audit.WriteAsync(new AuditEvent(AuditActions.PasswordChanged, AuditOutcome.Success) { ActorOverride = user.UserName });
        return [];
    }

    public async Task SignOutAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated == true)
        {
            await audit.WriteAsync(new AuditEvent(AuditActions.SignedOut, AuditOutcome.Success) { ActorOverride = principal.Identity.Name });
        }

        await signInManager.SignOutAsync();
    }
}
