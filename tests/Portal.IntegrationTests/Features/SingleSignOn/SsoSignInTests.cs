using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Audit;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.SingleSignOn;

/// <summary>
/// Just-in-time users, roles and tenant scopes from claims, refusals and their audit rows, over real HTTP against a
/// real OpenID provider (code flow with PKCE through the provider's own login form). Browser flows are in the E2E tests.
/// </summary>
public sealed class SsoSignInTests(SsoTestPortal portal) : IClassFixture<SsoTestPortal>
{
    [Fact]
    public async Task FirstSignIn_CreatesUserKeyedByIssuerAndSubject_WithRolesAndScopeFromClaims_Audited()
    {
        portal.Provider.SetAccount("jit.helpdesk", ["portal-helpdesk", "unrelated-group"], ["EMEA", "retail"], name: "Jit Helpdesk");
        using var client = SsoTestPortal.NewBrowserlessClient();

        var (address, body) = await portal.SignInWithProviderAsync(client, "jit.helpdesk");

        address.AbsolutePath.ShouldBe("/Account/SsoComplete");
        body.ShouldContain("http-equiv=\"refresh\"");
        var user = (await portal.SsoUserAsync("jit.helpdesk")).ShouldNotBeNull();
        user.UserName.ShouldBe("jit.helpdesk");
        user.DisplayName.ShouldBe("Jit Helpdesk");
        (await portal.RolesOfAsync(user)).ShouldBe(["Helpdesk"]);
        (await portal.ScopeTagsOfAsync(user.Id)).ShouldBe(["emea", "retail"]);

        // The session works: the home page answers instead of sending to sign-in.
        using var home = await client.GetAsync(new Uri(portal.BaseAddress, "/"), TestContext.Current.CancellationToken);
        home.StatusCode.ShouldBe(HttpStatusCode.OK);

        (await portal.AuditAsync(AuditActions.UserCreated)).ShouldContain(e => e.Actor == "jit.helpdesk" && e.DetailsJson.Contains("single sign-on", StringComparison.Ordinal));
        (await portal.AuditAsync(AuditActions.UserRolesChanged)).ShouldContain(e => e.DetailsJson.Contains("\"user\":\"jit.helpdesk\"", StringComparison.Ordinal) && e.DetailsJson.Contains("\"new\":\"Helpdesk\"", StringComparison.Ordinal));
        (await portal.AuditAsync("user.tenant-scope.set")).ShouldContain(e => e.DetailsJson.Contains("\"tags\":\"emea,retail\"", StringComparison.Ordinal) && e.DetailsJson.Contains("\"old\":\"all\"", StringComparison.Ordinal));
        (await portal.AuditAsync(AuditActions.SignInSucceeded)).ShouldContain(e => e.Actor == "jit.helpdesk" && e.DetailsJson.Contains("single sign-on", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RoleChangedAtProvider_ReplacedAtNextSignIn_AuditedOldToNew_SecurityStampRenewed()
    {
        portal.Provider.SetAccount("role.changer", ["portal-helpdesk"], ["emea"]);
        using (var first = SsoTestPortal.NewBrowserlessClient())
        {
            await portal.SignInWithProviderAsync(first, "role.changer");
        }

        var before = (await portal.SsoUserAsync("role.changer")).ShouldNotBeNull();
        portal.Provider.SetAccount("role.changer", ["portal-auditors", "portal-teamlead"], ["apac"]);
        using (var second = SsoTestPortal.NewBrowserlessClient())
        {
            (await portal.SignInWithProviderAsync(second, "role.changer")).Address.AbsolutePath.ShouldBe("/Account/SsoComplete");
        }

        var after = (await portal.SsoUserAsync("role.changer")).ShouldNotBeNull();
        after.Id.ShouldBe(before.Id); // the same account, found by issuer and subject
        (await portal.RolesOfAsync(after)).ShouldBe(["Auditor", "TeamLead"]);
        (await portal.ScopeTagsOfAsync(after.Id)).ShouldBe(["apac"]);
        after.SecurityStamp.ShouldNotBe(before.SecurityStamp); // open tabs with the old roles are cut at revalidation
        (await portal.AuditAsync(AuditActions.UserRolesChanged)).ShouldContain(e =>
            e.DetailsJson.Contains("\"user\":\"role.changer\"", StringComparison.Ordinal)
            && e.DetailsJson.Contains("\"old\":\"Helpdesk\"", StringComparison.Ordinal)
            && e.DetailsJson.Contains("\"new\":\"Auditor,TeamLead\"", StringComparison.Ordinal));
        (await portal.AuditAsync("user.tenant-scope.set")).ShouldContain(e =>
            e.DetailsJson.Contains("\"old\":\"emea\"", StringComparison.Ordinal) && e.DetailsJson.Contains("\"tags\":\"apac\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnmappedUser_Refused_NoAccountCreated_NoSession_Audited()
    {
        portal.Provider.SetAccount("no.role", ["some-other-app-users"]);
        using var client = SsoTestPortal.NewBrowserlessClient();

        var (address, body) = await portal.SignInWithProviderAsync(client, "no.role");

        address.AbsolutePath.ShouldBe("/Account/SsoRefused");
        body.ShouldContain("Your account has no role in Connector Portal. Ask your administrator to add you to one of the groups");
        (await portal.SsoUserAsync("no.role")).ShouldBeNull();
        using var home = await client.GetAsync(new Uri(portal.BaseAddress, "/"), TestContext.Current.CancellationToken);
        home.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        home.Headers.Location!.OriginalString.ShouldContain("/Account/Login");
        (await portal.AuditAsync("auth.sign-in.refused")).ShouldContain(e => e.Actor == "no.role" && e.Outcome == AuditOutcome.Denied && e.DetailsJson.Contains("maps to a portal role", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UserRemovedFromEveryGroup_LosesRoles_AndIsRefused()
    {
        portal.Provider.SetAccount("leaver", ["portal-admins"]);
        using (var first = SsoTestPortal.NewBrowserlessClient())
        {
            await portal.SignInWithProviderAsync(first, "leaver");
        }

        var user = (await portal.SsoUserAsync("leaver")).ShouldNotBeNull();
        (await portal.RolesOfAsync(user)).ShouldBe(["Admin"]);
        portal.Provider.SetAccount("leaver", []);
        using var second = SsoTestPortal.NewBrowserlessClient();

        (await portal.SignInWithProviderAsync(second, "leaver")).Address.AbsolutePath.ShouldBe("/Account/SsoRefused");

        (await portal.RolesOfAsync(user)).ShouldBeEmpty();
        (await portal.AuditAsync(AuditActions.UserRolesChanged)).ShouldContain(e =>
            e.DetailsJson.Contains("\"user\":\"leaver\"", StringComparison.Ordinal) && e.DetailsJson.Contains("\"old\":\"Admin\"", StringComparison.Ordinal) && e.DetailsJson.Contains("\"new\":\"\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DisabledUser_StaysDisabled_ThoughTheProviderSignsThemIn()
    {
        portal.Provider.SetAccount("disabled.one", ["portal-helpdesk"]);
        using (var first = SsoTestPortal.NewBrowserlessClient())
        {
            await portal.SignInWithProviderAsync(first, "disabled.one");
        }

        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = (await users.FindByNameAsync("disabled.one")).ShouldNotBeNull();
            user.IsDisabled = true;
            await users.UpdateAsync(user);
        }

        using var client = SsoTestPortal.NewBrowserlessClient();
        var (address, body) = await portal.SignInWithProviderAsync(client, "disabled.one");

        address.AbsolutePath.ShouldBe("/Account/SsoRefused");
        body.ShouldContain("Your Connector Portal account is disabled");
        using var home = await client.GetAsync(new Uri(portal.BaseAddress, "/"), TestContext.Current.CancellationToken);
        home.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await portal.AuditAsync("auth.sign-in.refused")).ShouldContain(e => e.Actor == "disabled.one" && e.DetailsJson.Contains("disabled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProviderUserNamedLikeTheLocalAdmin_GetsAnAccountOfTheirOwn_LocalAdminUntouched()
    {
        portal.Provider.SetAccount(PortalAppFactory.AdminUserName, ["portal-helpdesk"]);
        using var client = SsoTestPortal.NewBrowserlessClient();

        (await portal.SignInWithProviderAsync(client, PortalAppFactory.AdminUserName)).Address.AbsolutePath.ShouldBe("/Account/SsoComplete");

        var ssoUser = (await portal.SsoUserAsync(PortalAppFactory.AdminUserName)).ShouldNotBeNull();
        ssoUser.UserName.ShouldBe("admin-2");
        (await portal.RolesOfAsync(ssoUser)).ShouldBe(["Helpdesk"]);
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var localAdmin = (await users.FindByNameAsync(PortalAppFactory.AdminUserName)).ShouldNotBeNull();
        localAdmin.Id.ShouldNotBe(ssoUser.Id);
        (await users.GetLoginsAsync(localAdmin)).ShouldBeEmpty();
        (await users.GetRolesAsync(localAdmin)).ShouldContain("Admin");
    }

    [Fact]
    public async Task AdminThroughTheProvider_WhileMfaIsRequiredForAdmins_IsNotSentToLocalEnrolment()
    {
        portal.Provider.SetAccount("sso.admin", ["portal-admins"], ["emea"]);
        using var client = SsoTestPortal.NewBrowserlessClient();

        var (address, _) = await portal.SignInWithProviderAsync(client, "sso.admin");

        address.AbsolutePath.ShouldBe("/Account/SsoComplete");
        (await portal.RolesOfAsync((await portal.SsoUserAsync("sso.admin")).ShouldNotBeNull())).ShouldBe(["Admin"]);
        // The provider is their second factor: the admin pages answer instead of redirecting to /Account/Mfa.
        using var users = await client.GetAsync(new Uri(portal.BaseAddress, "/admin/users"), TestContext.Current.CancellationToken);
        users.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task NonAdminWithoutTenantTag_Refused_WhenTheScopeClaimIsConfigured()
    {
        portal.Provider.SetAccount("no.scope", ["portal-helpdesk"], tenantTags: []);
        using var client = SsoTestPortal.NewBrowserlessClient();

        var (address, body) = await portal.SignInWithProviderAsync(client, "no.scope");

        address.AbsolutePath.ShouldBe("/Account/SsoRefused");
        body.ShouldContain("no tenant scope");
        (await portal.SsoUserAsync("no.scope")).ShouldBeNull(); // never "all tenants" by omission
    }

    [Fact]
    public async Task AttackersCallback_ReplayedIntoAnotherBrowser_SignsNobodyIn()
    {
        portal.Provider.SetAccount("forger", ["portal-admins"]);

        // The attacker runs the flow in their own browser and stops at the provider's redirect back to the portal
        // (code and state), then makes the victim's browser open it (login CSRF): the victim has no correlation cookie.
        using var attacker = SsoTestPortal.NewBrowserlessClient();
        var callback = await portal.CallbackUrlForAsync(attacker, "forger");
        callback.AbsolutePath.ShouldBe("/signin-oidc");
        callback.Query.ShouldContain("code=");
        using var victim = SsoTestPortal.NewBrowserlessClient();
        using var forged = await victim.GetAsync(callback, TestContext.Current.CancellationToken);

        forged.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        forged.Headers.Location!.OriginalString.ShouldBe("/Account/Login?sso=failed");
        using var home = await victim.GetAsync(new Uri(portal.BaseAddress, "/"), TestContext.Current.CancellationToken);
        home.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await portal.SsoUserAsync("forger")).ShouldBeNull();
    }
}
