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
    Failed,
    LockedOut,

    /// <summary>Local password sign-in is off (<c>Auth:LocalSignIn:Enabled=false</c>) and this is not the break-glass admin.</summary>
    LocalSignInOff,
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

        var result = await signInManager.PasswordSignInAsync(name, password, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            logger.LogWarning("Sign-in refused for {UserName}: account locked out", name);
            await audit.WriteAsync(new AuditEvent(AuditActions.SignInLockedOut, AuditOutcome.Denied) { ActorOverride = name });
            return SignInOutcome.LockedOut;
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

        var user = await users.FindByNameAsync(name);
        user!.LastSignInUtc = clock.GetUtcNow().UtcDateTime;
        await users.UpdateAsync(user);
        logger.LogInformation("Signed in {UserName}", name);
        await audit.WriteAsync(new AuditEvent(AuditActions.SignInSucceeded, AuditOutcome.Success) { ActorOverride = name });
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
