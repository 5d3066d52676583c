using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Features.Users;

/// <summary>Claims the portal adds to the sign-in cookie.</summary>
public static class PortalClaims
{
    public const string MustChangePassword = "portal:must_change_password";
    public const string DisplayName = "portal:display_name";
    public const string MustEnrolMfa = "portal:must_enrol_mfa";

    /// <summary>When this session began (Unix seconds), set from the cookie on every request: the absolute limit of open tabs.</summary>
    public const string SessionStarted = "portal:session_started";

    public static bool MustChangePasswordNow(this ClaimsPrincipal user) => user.HasClaim(MustChangePassword, "true");

    /// <summary>
    /// A local sign-in by a user whose role requires MFA and who has not enrolled. Single sign-on users are never sent to
    /// enrolment: their second factor is the identity provider's (SignInManager records the method as the amr claim).
    /// </summary>
    public static bool MustEnrolMfaNow(this ClaimsPrincipal user) =>
        user.HasClaim(MustEnrolMfa, "true") && !user.SignedInWithSingleSignOn();

    public static bool SignedInWithSingleSignOn(this ClaimsPrincipal user) => user.HasClaim(ClaimTypes.AuthenticationMethod, SingleSignOnMethod);

    /// <summary>The authentication method single sign-on signs users in with (the amr claim).</summary>
    public const string SingleSignOnMethod = "oidc";

    public static string DisplayNameOrUserName(this ClaimsPrincipal user) =>
        user.FindFirstValue(DisplayName) is { Length: > 0 } name ? name : user.Identity?.Name ?? "";
}

/// <summary>Adds the display name and the forced-password-change and must-enrol-MFA flags to the principal.</summary>
public sealed class PortalUserClaimsPrincipalFactory(
    UserManager<PortalUser> userManager,
    RoleManager<IdentityRole> roleManager,
    IOptions<IdentityOptions> options,
    IOptions<MfaOptions> mfa)
    : UserClaimsPrincipalFactory<PortalUser, IdentityRole>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(PortalClaims.DisplayName, user.DisplayName));
        if (user.MustChangePassword)
        {
            identity.AddClaim(new Claim(PortalClaims.MustChangePassword, "true"));
        }

        // Checked at every sign-in and refresh: a role that now needs MFA sends the user to enrolment first.
        if (!user.TwoFactorEnabled && mfa.Value.EffectiveRequiredRoles.Any(role => identity.HasClaim(identity.RoleClaimType, role)))
        {
            identity.AddClaim(new Claim(PortalClaims.MustEnrolMfa, "true"));
        }

        return identity;
    }
}

/// <summary>Disabled accounts are "not allowed" to sign in, which the sign-in page reports generically.</summary>
public sealed class EnabledUserConfirmation : IUserConfirmation<PortalUser>
{
    public Task<bool> IsConfirmedAsync(UserManager<PortalUser> manager, PortalUser user) => Task.FromResult(!user.IsDisabled);
}
