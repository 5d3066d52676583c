using Microsoft.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Portal.E2ETests.Infrastructure;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.E2ETests;

/// <summary>Single sign-on in Chromium through a real provider's own login and sign-out pages.</summary>
public sealed class SingleSignOnTests(BrowserPortal browser, SsoPortal portal) : IClassFixture<SsoPortal>
{
    [Fact]
    public async Task Auditor_SignsInThroughTheProvider_LandsOnTheAuditorHome_SignOutEndsTheProviderSession()
    {
        portal.Provider.SetAccount("ann.auditor", ["portal-auditors"], name: "Ann Auditor");
        var page = await portal.NewPageAsync(browser.Browser);

        await portal.SignInThroughProviderAsync(page, "ann.auditor");
        await BrowserPortal.WaitForInteractiveAsync(page);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Ann Auditor" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Audit trail integrity").First).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Account menu for Ann Auditor" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Signed in as")).ToContainTextAsync("Auditor");
        // Their password and second factor are the provider's: no local ones to manage.
        await Assertions.Expect(page.GetByText("Change password")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("Multi-factor authentication")).ToHaveCountAsync(0);

        // Sign out: the provider's own end-session page, then the portal's signed-out page.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        try
        {
            await page.WaitForURLAsync(url => url.StartsWith($"http://localhost:{portal.Provider.Port}/session/end", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The provider's sign-out page did not show; the browser is at {page.Url}: {await page.ContentAsync()}", ex);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, sign me out" }).ClickAsync();
        try
        {
            await page.WaitForURLAsync(url => url.EndsWith("/Account/SignedOut", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The portal's signed-out page did not show; the browser is at {page.Url}: {await page.ContentAsync()}", ex);
        }

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are signed out" })).ToBeVisibleAsync();

        // The provider's session is gone: signing in again shows its login page instead of signing in silently.
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in again" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Test IdP" }).ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith($"http://localhost:{portal.Provider.Port}/interaction/", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("input[name=login]")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task RoleChangedAtTheProvider_AppliesAtTheNextSignIn()
    {
        portal.Provider.SetAccount("hal.helpdesk", ["portal-helpdesk"], name: "Hal Helpdesk");
        var first = await portal.NewPageAsync(browser.Browser);
        await portal.SignInThroughProviderAsync(first, "hal.helpdesk");
        await BrowserPortal.WaitForInteractiveAsync(first);
        await Assertions.Expect(first.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Hal Helpdesk" })).ToBeVisibleAsync();
        await Assertions.Expect(first.GetByText("Audit trail integrity")).ToHaveCountAsync(0);
        await first.Context.CloseAsync();

        portal.Provider.SetAccount("hal.helpdesk", ["portal-auditors"], name: "Hal Helpdesk");
        var second = await portal.NewPageAsync(browser.Browser);
        await portal.SignInThroughProviderAsync(second, "hal.helpdesk");
        await BrowserPortal.WaitForInteractiveAsync(second);

        await Assertions.Expect(second.GetByText("Audit trail integrity").First).ToBeVisibleAsync();
        await second.Context.CloseAsync();
    }

    [Fact]
    public async Task UnmappedUser_IsRefused_WithTheNoRolePage()
    {
        portal.Provider.SetAccount("nora.norole", ["marketing"]);
        var page = await portal.NewPageAsync(browser.Browser);

        await portal.SignInThroughProviderAsync(page, "nora.norole");

        page.Url.ShouldContain("/Account/SsoRefused");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Your account has no role in Connector Portal. Ask your administrator to add you to one of the groups");
        await page.GotoAsync("/");
        page.Url.ShouldContain("/Account/Login");
        await page.Context.CloseAsync();
    }
}

/// <summary>Local password sign-in off: only single sign-on and the named break-glass admin.</summary>
public sealed class LocalSignInOffTests(BrowserPortal browser, LocalSignInOffPortal portal) : IClassFixture<LocalSignInOffPortal>
{
    [Fact]
    public async Task PasswordFormHidden_PostRefused_BreakGlassAdminStillSignsIn()
    {
        var page = await portal.NewPageAsync(browser.Browser);
        await page.GotoAsync("/Account/Login");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Test IdP" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Password")).ToHaveCountAsync(0);

        // A local account other than the break-glass admin, with its correct password, posted straight to the form: refused.
        using (var scope = portal.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Portal.Data.PortalUser>>();
            (await users.CreateAsync(new Portal.Data.PortalUser { UserName = "local.helpdesk", DisplayName = "Local Helpdesk", LockoutEnabled = true }, "Local-Helpdesk-Pass1!")).Succeeded.ShouldBeTrue();
            await users.AddToRoleAsync((await users.FindByNameAsync("local.helpdesk"))!, "Helpdesk");
        }

        using var client = portal.CreatePortalClient();
        var form = await client.Http.GetStringAsync(new Uri("/Account/Login?breakglass=true", UriKind.Relative), TestContext.Current.CancellationToken);
        using var refused = await client.Http.PostAsync(new Uri("/Account/Login?breakglass=true", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PortalHttpClient.AntiforgeryToken(form),
            ["_handler"] = "login",
            ["Input.UserName"] = "local.helpdesk",
            ["Input.Password"] = "Local-Helpdesk-Pass1!",
        }), TestContext.Current.CancellationToken);
        (await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("Password sign-in is turned off");
        using var home = await client.Http.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        home.StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);

        // The break-glass admin opens the password form on purpose and signs in.
        await page.GetByRole(AriaRole.Link, new() { Name = "Break-glass administrator sign-in" }).ClickAsync();
        await page.GetByLabel("User name").FillAsync(SsoPortal.AdminUserName);
        await page.GetByLabel("Password").FillAsync(SsoPortal.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.Ordinal));
        await BrowserPortal.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, " }).First).ToBeVisibleAsync();
        // A local account keeps its own password and second factor (single sign-on users do not see these).
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Account menu for ") }).ClickAsync();
        await Assertions.Expect(page.GetByText("Change password")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Multi-factor authentication")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
