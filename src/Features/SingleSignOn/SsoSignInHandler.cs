using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.Features.SingleSignOn;

public enum SsoRefusal
{
    None,
    InvalidIdentity,
    NoRole,
    NoTenantScope,
    Disabled,
    NotSaved,
}

/// <summary>
/// Turns a provider sign-in into a portal session: finds the user by issuer and subject (an Identity external login),
/// creates them just in time, replaces their roles and tenant scope from the claims, and signs them in. A user whose
/// claims map to no role, or a disabled user, is refused. Every outcome is audited.
/// </summary>
public sealed class SsoSignInHandler(
    UserManager<PortalUser> users,
    SignInManager<PortalUser> signInManager,
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptions<OidcOptions> options,
    TimeProvider clock,
    IAuditSink audit,
    ILogger<SsoSignInHandler> logger)
{
    public const string AuthenticationMethod = PortalClaims.SingleSignOnMethod;
    public const string RefusedAction = "auth.sign-in.refused";
    public const string ScopeChangedAction = "user.tenant-scope.set";

    public async Task<SsoRefusal> SignInAsync(ClaimsPrincipal external, string? idToken, CancellationToken ct = default)
    {
        var identity = SsoIdentity.FromPrincipal(external, options.Value);
        if (identity is null)
        {
            return await RefuseAsync(SsoRefusal.InvalidIdentity, "the provider sent no subject", "unknown");
        }

        var user = await users.FindByLoginAsync(identity.Issuer, identity.Subject);
        if (user is { IsDisabled: true })
        {
            return await RefuseAsync(SsoRefusal.Disabled, "account disabled in the portal", user.UserName!);
        }

        if (identity.Roles.Count == 0 || (identity.ScopeKind == SsoScopeKind.None && !identity.IsAdmin))
        {
            if (user is not null)
            {
                await ReplaceRolesAsync(user, []); // open sessions lose access at the next revalidation
            }

            return identity.Roles.Count == 0
                ? await RefuseAsync(SsoRefusal.NoRole, $"no {options.Value.RoleClaim} value maps to a portal role", user?.UserName ?? identity.PreferredUserName)
                : await RefuseAsync(SsoRefusal.NoTenantScope, $"no tenant tag in {options.Value.TenantScopeClaim}", user?.UserName ?? identity.PreferredUserName);
        }

        user ??= await CreateAsync(identity);
        if (user is null)
        {
            return await RefuseAsync(SsoRefusal.NotSaved, "the account could not be created", identity.PreferredUserName);
        }

        await ReplaceRolesAsync(user, identity.Roles);
        await ReplaceScopeAsync(user, identity, ct);
        user.DisplayName = identity.DisplayName;
        user.Email = identity.Email ?? user.Email;
        user.LastSignInUtc = clock.GetUtcNow().UtcDateTime;
        await users.UpdateAsync(user);

        var properties = new AuthenticationProperties();
        if (idToken is not null)
        {
            // Kept in the (encrypted) sign-in cookie for the provider's end-session request at sign-out.
            properties.StoreTokens([new AuthenticationToken { Name = "id_token", Value = idToken }]);
        }

        await signInManager.SignInAsync(user, properties, AuthenticationMethod);
        logger.LogInformation("Signed in {UserName} with single sign-on", user.UserName);
        await audit.WriteAsync(new AuditEvent(Audit.AuditActions.SignInSucceeded, AuditOutcome.Success, Details: new Dictionary<string, string?>
        {
            ["method"] = "single sign-on",
            ["roles"] = string.Join(",", identity.Roles),
        }) { ActorOverride = user.UserName }, ct);
        return SsoRefusal.None;
    }

    private async Task<PortalUser?> CreateAsync(SsoIdentity identity)
    {
        // Never attach the login to an existing local account with the same name: that would let whoever controls
        // the provider's user names take over local accounts (the break-glass admin included).
        var user = new PortalUser
        {
            UserName = await FreeUserNameAsync(identity.PreferredUserName),
            DisplayName = identity.DisplayName,
            Email = identity.Email,
            CreatedUtc = clock.GetUtcNow().UtcDateTime,
            LockoutEnabled = true,
        };
        var created = await users.CreateAsync(user);
        var linked = created.Succeeded ? await users.AddLoginAsync(user, new UserLoginInfo(identity.Issuer, identity.Subject, options.Value.DisplayName)) : created;
        if (!linked.Succeeded)
        {
            logger.LogWarning("Single sign-on could not create the account for {UserName}: {Errors}", identity.PreferredUserName, string.Join(" ", linked.Errors.Select(e => e.Code)));
            if (created.Succeeded)
            {
                await users.DeleteAsync(user); // nothing half-saved
            }

            return null;
        }

        await audit.WriteAsync(new AuditEvent(Audit.AuditActions.UserCreated, AuditOutcome.Success, Details: new Dictionary<string, string?>
        {
            ["user"] = user.UserName,
            ["displayName"] = user.DisplayName,
            ["source"] = "single sign-on (first sign-in)",
        }) { ActorOverride = user.UserName });
        return user;
    }

    private async Task<string> FreeUserNameAsync(string preferred)
    {
        var allowed = users.Options.User.AllowedUserNameCharacters;
        var baseName = new string([.. preferred.Where(c => string.IsNullOrEmpty(allowed) || allowed.Contains(c, StringComparison.Ordinal)).Take(100)]);
        baseName = baseName.Length == 0 ? "sso-user" : baseName;
        for (var n = 1; n < 100; n++)
        {
            var candidate = n == 1 ? baseName : string.Create(CultureInfo.InvariantCulture, $"{baseName}-{n}");
            if (await users.FindByNameAsync(candidate) is null)
            {
                return candidate;
            }
        }

        return $"{baseName}-{Guid.NewGuid():N}";
    }

    private async Task ReplaceRolesAsync(PortalUser user, IReadOnlyList<string> roles)
    {
        var current = (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal).ToList();
        if (current.SequenceEqual(roles, StringComparer.Ordinal))
        {
            return;
        }

        await users.RemoveFromRolesAsync(user, current.Except(roles, StringComparer.Ordinal));
        await users.AddToRolesAsync(user, roles.Except(current, StringComparer.Ordinal));
        await users.UpdateSecurityStampAsync(user); // open sessions pick up the change at the next revalidation
        await audit.WriteAsync(new AuditEvent(Audit.AuditActions.UserRolesChanged, AuditOutcome.Success, Details: new Dictionary<string, string?>
        {
            ["user"] = user.UserName,
            ["old"] = string.Join(",", current),
            ["new"] = string.Join(",", roles),
            ["source"] = $"single sign-on claim {options.Value.RoleClaim}",
        }) { ActorOverride = user.UserName });
    }

    private async Task ReplaceScopeAsync(PortalUser user, SsoIdentity identity, CancellationToken ct)
    {
        if (identity.ScopeKind == SsoScopeKind.NotManaged)
        {
            return;
        }

        var wanted = identity.ScopeKind == SsoScopeKind.Tags ? identity.ScopeTags : []; // no rows = all tenants (Admins: always)
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var current = await db.Set<UserTenantScope>().Where(s => s.UserId == user.Id).Select(s => s.Tag).OrderBy(t => t).ToListAsync(ct);
        if (current.SequenceEqual(wanted, StringComparer.Ordinal))
        {
            return;
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await db.Set<UserTenantScope>().Where(s => s.UserId == user.Id).ExecuteDeleteAsync(ct);
            db.AddRange(wanted.Select(t => new UserTenantScope { UserId = user.Id, Tag = t }));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        await audit.WriteAsync(new AuditEvent(ScopeChangedAction, AuditOutcome.Success, TenantId: null, new Dictionary<string, string?>
        {
            ["target"] = user.UserName,
            ["old"] = current.Count == 0 ? "all" : string.Join(",", current),
            ["tags"] = wanted.Count == 0 ? "all" : string.Join(",", wanted),
            ["source"] = $"single sign-on claim {options.Value.TenantScopeClaim}",
        }) { ActorOverride = user.UserName }, ct);
    }

    private async Task<SsoRefusal> RefuseAsync(SsoRefusal refusal, string reason, string userName)
    {
        logger.LogWarning("Single sign-on refused for {UserName}: {Reason}", userName, reason);
        await audit.WriteAsync(new AuditEvent(RefusedAction, AuditOutcome.Denied, Details: new Dictionary<string, string?>
        {
            ["method"] = "single sign-on",
            ["reason"] = reason,
        }) { ActorOverride = userName });
        return refusal;
    }
}
