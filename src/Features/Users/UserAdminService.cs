using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;

namespace Portal.Features.Users;

/// <summary>
/// User administration for the Admin page. Each call opens its own DI scope so no Identity store
/// (and its DbContext) lives for a whole circuit; each call re-checks the Admin role on the server.
/// </summary>
public sealed class UserAdminService(IServiceScopeFactory scopes, CurrentUser currentUser, TimeProvider clock, IAuditSink audit)
{
    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Admin);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var now = clock.GetUtcNow();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(cancellationToken);
        var roleNames = await db.Roles.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Name!, cancellationToken);
        var userRoles = (await db.UserRoles.AsNoTracking().ToListAsync(cancellationToken))
            .ToLookup(ur => ur.UserId, ur => roleNames[ur.RoleId]);
        return users.Select(u => new UserSummary(
            u.Id, u.UserName!, u.DisplayName, u.Email,
            [.. userRoles[u.Id].Order(StringComparer.Ordinal)],
            u.IsDisabled, u.LockoutEnd is { } end && end > now, u.MustChangePassword, u.CreatedUtc, u.LastSignInUtc, u.TwoFactorEnabled)).ToList();
    }

    public async Task<UserActionResult> CreateAsync(CreateUserModel model, CancellationToken cancellationToken = default)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Admin);
        var invalidRole = model.Roles.FirstOrDefault(r => !Roles.All.Contains(r));
        if (invalidRole is not null)
        {
            return UserActionResult.Fail($"Roles: '{invalidRole}' is not a portal role.");
        }

        // The same rule as the form's attributes, enforced here whatever the page sent.
        var invalid = new List<ValidationResult>();
        if (!Validator.TryValidateObject(model, new ValidationContext(model), invalid, validateAllProperties: true))
        {
            return UserActionResult.Fail(string.Join(" ", invalid.Select(r => r.ErrorMessage)));
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        if (await users.FindByNameAsync(model.UserName.Trim()) is not null)
        {
            return UserActionResult.Fail($"User name: '{model.UserName.Trim()}' is already taken. Choose another.");
        }

        var password = FirstAdminBootstrapper.GeneratePassword();
        var user = new PortalUser
        {
            UserName = model.UserName.Trim(),
            DisplayName = model.DisplayName.Trim(),
            Email = string.IsNullOrWhiteSpace(model.Email) ? null : model.Email.Trim(),
            MustChangePassword = true,
            CreatedUtc = clock.GetUtcNow().UtcDateTime,
            LockoutEnabled = true,
        };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return UserActionResult.Fail(Describe(created));
        }

        if (model.Roles.Count > 0)
        {
            var added = await users.AddToRolesAsync(user, model.Roles);
            if (!added.Succeeded)
            {
                await users.DeleteAsync(user); // nothing half-saved
                return UserActionResult.Fail(Describe(added));
            }
        }

        await audit.WriteAsync(new AuditEvent(AuditActions.UserCreated, AuditOutcome.Success, Details: new Dictionary<string, string?>
        {
            ["user"] = user.UserName,
            ["displayName"] = user.DisplayName,
            ["roles"] = string.Join(",", model.Roles.Order(StringComparer.Ordinal)),
        }), cancellationToken);
        return UserActionResult.Ok($"Created {user.UserName}. Give them this one-time password; they must change it at first sign-in.", password);
    }

    public async Task<UserActionResult> SetRolesAsync(string userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken = default)
    {
        var actor = await currentUser.RequireAnyRoleAsync(Roles.Admin);
        if (roles.Any(r => !Roles.All.Contains(r)))
        {
            return UserActionResult.Fail("Roles: only Helpdesk, TeamLead, Auditor and Admin exist.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return UserActionResult.Fail("That user no longer exists. Reload the list.");
        }

        if (user.UserName == actor.Identity?.Name && !roles.Contains(Roles.Admin))
        {
            return UserActionResult.Fail("You cannot remove your own Admin role. Ask another admin.");
        }

        var current = await users.GetRolesAsync(user);
        var removed = await users.RemoveFromRolesAsync(user, current.Except(roles));
        var added = removed.Succeeded ? await users.AddToRolesAsync(user, roles.Except(current)) : removed;
        if (!added.Succeeded)
        {
            return UserActionResult.Fail(Describe(added));
        }

        await users.UpdateSecurityStampAsync(user); // open sessions pick up the new roles
        await audit.WriteAsync(new AuditEvent(AuditActions.UserRolesChanged, AuditOutcome.Success, Details: new Dictionary<string, string?>
        {
            ["user"] = user.UserName,
            ["old"] = string.Join(",", current.Order(StringComparer.Ordinal)),
            ["new"] = string.Join(",", roles.Order(StringComparer.Ordinal)),
        }), cancellationToken);
        return UserActionResult.Ok($"Roles of {user.UserName} set to {(roles.Count == 0 ? "none" : string.Join(", ", roles))}.");
    }

    public async Task<UserActionResult> SetDisabledAsync(string userId, bool disabled, CancellationToken cancellationToken = default)
    {
        var actor = await currentUser.RequireAnyRoleAsync(Roles.Admin);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return UserActionResult.Fail("That user no longer exists. Reload the list.");
        }

        if (disabled && user.UserName == actor.Identity?.Name)
        {
            return UserActionResult.Fail("You cannot disable your own account.");
        }

        user.IsDisabled = disabled;
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded)
        {
            return UserActionResult.Fail(Describe(updated));
        }

        await users.UpdateSecurityStampAsync(user); // signs the user out everywhere
        await audit.WriteAsync(new AuditEvent(disabled ? AuditActions.UserDisabled : AuditActions.UserEnabled, AuditOutcome.Success, Details: new Dictionary<string, string?>
        {
            ["user"] = user.UserName,
        }), cancellationToken);
        return UserActionResult.Ok(disabled ? $"{user.UserName} is disabled and signed out." : $"{user.UserName} is enabled.");
    }

    public async Task<UserActionResult> ResetPasswordAsync(string userId, CancellationToken cancellationToken = default)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Admin);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return UserActionResult.Fail("That user no longer exists. Reload the list.");
        }

        var password = FirstAdminBootstrapper.GeneratePassword();
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var reset = await users.ResetPasswordAsync(user, token, password);
        if (!reset.Succeeded)
        {
            return UserActionResult.Fail(Describe(reset));
        }

        user.MustChangePassword = true;
        await users.UpdateAsync(user);
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await audit.WriteAsync(new AuditEvent(AuditActions.UserPasswordReset, AuditOutcome.Success, Details: new Dictionary<string, string?>
        {
            ["user"] = user.UserName,
        }), cancellationToken);
        return UserActionResult.Ok($"Password of {user.UserName} reset. Give them this one-time password; they must change it at sign-in.", password);
    }

    /// <summary>For a lost phone: MFA off, key and recovery codes discarded, sessions ended; enrolment starts over at the next sign-in.</summary>
    public Task<UserActionResult> ResetMfaAsync(string userId, CancellationToken cancellationToken = default) =>
        AsAdminOnUserAsync(userId, async (users, user) =>
        {
            await users.SetTwoFactorEnabledAsync(user, false);
            await users.RemoveAuthenticationTokenAsync(user, RecoveryCodesProvider, RecoveryCodesName);
            await users.ResetAuthenticatorKeyAsync(user); // a fresh key, and a new security stamp: open sessions end
            await AuditUserActionAsync(AuditActions.UserMfaReset, user, cancellationToken);
            return UserActionResult.Ok($"MFA of {user.UserName} reset. They enrol again at their next sign-in.");
        });

    public Task<UserActionResult> ClearLockoutAsync(string userId, CancellationToken cancellationToken = default) =>
        AsAdminOnUserAsync(userId, async (users, user) =>
        {
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            await AuditUserActionAsync(AuditActions.UserLockoutCleared, user, cancellationToken);
            return UserActionResult.Ok($"{user.UserName} is unlocked and can sign in again.");
        });

    /// <summary>An Admin-only action on one user, in its own scope (a fresh UserManager per action).</summary>
    private async Task<UserActionResult> AsAdminOnUserAsync(string userId, Func<UserManager<PortalUser>, PortalUser, Task<UserActionResult>> action)
    {
        await currentUser.RequireAnyRoleAsync(Roles.Admin);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(userId);
        return user is null ? UserActionResult.Fail("That user no longer exists. Reload the list.") : await action(users, user);
    }

    private Task AuditUserActionAsync(string action, PortalUser user, CancellationToken cancellationToken) =>
        audit.WriteAsync(new AuditEvent(action, AuditOutcome.Success, Details: new Dictionary<string, string?>
        {
            ["user"] = user.UserName,
        }), cancellationToken);

    // Where Identity's store keeps recovery codes (UserStoreBase's internal login provider).
    private const string RecoveryCodesProvider = "[AspNetUserStore]";
    private const string RecoveryCodesName = "RecoveryCodes";

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));
}
