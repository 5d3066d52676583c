using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.E2ETests;

/// <summary>A portal on a fake clock that re-checks open tabs every 5 seconds (real time): idle 30 minutes, absolute 1 hour.</summary>
public sealed class SessionLimitPortal : PortalAppFactory
{
    public SessionLimitPortal()
    {
        WithSetting("Auth:IdleTimeoutMinutes", "30");
        WithSetting("Auth:AbsoluteSessionHours", "1");
        WithSetting("Auth:RevalidationIntervalSeconds", "5");
        WithSetting("Status:SweepEnabled", "false");
    }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

public sealed class SessionLimitTests(BrowserPortal browser, SessionLimitPortal portal) : IClassFixture<SessionLimitPortal>
{
    private const string Password = "Session-Test-Password-2026!";

    [Fact]
    public async Task OpenTab_IdlePastTheLimit_IsSentToSignIn()
    {
        var page = await OpenTenantsTabAsync("idle-user");

        portal.Clock.Advance(TimeSpan.FromMinutes(31));

        await page.WaitForURLAsync(url => url.Contains("/Account/Login", StringComparison.Ordinal), new() { Timeout = 20_000 });
        (await page.APIRequest.GetAsync("/tenants", new() { MaxRedirects = 0 })).Status.ShouldBe(302, "the cookie has expired too");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task OpenTab_InUseButPastTheAbsoluteLimit_IsSentToSignIn()
    {
        var page = await OpenTenantsTabAsync("busy-user");
        var toggle = page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" });

        // Work in the tab every 25 minutes: never idle for 30, but past the 1-hour limit in the end.
        foreach (var minutes in new[] { 25, 25 })
        {
            portal.Clock.Advance(TimeSpan.FromMinutes(minutes));
            var expanded = await toggle.GetAttributeAsync("aria-expanded");
            await toggle.ClickAsync();
            await Assertions.Expect(toggle).Not.ToHaveAttributeAsync("aria-expanded", expanded!);
        }

        page.Url.ShouldContain("/tenants", customMessage: "an active tab inside the absolute limit stays open");
        portal.Clock.Advance(TimeSpan.FromMinutes(15));

        await page.WaitForURLAsync(url => url.Contains("/Account/Login", StringComparison.Ordinal), new() { Timeout = 20_000 });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task OpenTab_OfAUserWhoIsDisabled_IsCut()
    {
        var page = await OpenTenantsTabAsync("leaver");
        await using (var admin = portal.Services.ScopeFor(PortalAppFactory.AdminUserName, Roles.Admin))
        {
            var id = (await admin.ServiceProvider.GetRequiredService<UserAdminService>().ListAsync(Xunit.TestContext.Current.CancellationToken)).Single(u => u.UserName == "leaver").Id;
            (await admin.ServiceProvider.GetRequiredService<UserAdminService>().SetDisabledAsync(id, disabled: true, Xunit.TestContext.Current.CancellationToken)).Succeeded.ShouldBeTrue();
        }

        await page.WaitForURLAsync(url => url.Contains("/Account/Login", StringComparison.Ordinal), new() { Timeout = 20_000 });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task OpenTab_OfAUserWhoseRolesChanged_IsCut()
    {
        var page = await OpenTenantsTabAsync("demoted");
        await using (var admin = portal.Services.ScopeFor(PortalAppFactory.AdminUserName, Roles.Admin))
        {
            var id = (await admin.ServiceProvider.GetRequiredService<UserAdminService>().ListAsync(Xunit.TestContext.Current.CancellationToken)).Single(u => u.UserName == "demoted").Id;
            (await admin.ServiceProvider.GetRequiredService<UserAdminService>().SetRolesAsync(id, [Roles.Auditor], Xunit.TestContext.Current.CancellationToken)).Succeeded.ShouldBeTrue();
        }

        await page.WaitForURLAsync(url => url.Contains("/Account/Login", StringComparison.Ordinal), new() { Timeout = 20_000 });
        await page.Context.CloseAsync();
    }

    private async Task<IPage> OpenTenantsTabAsync(string userName)
    {
        await AccountSteps.SeedUserAsync(portal.Services, userName, Password, [Roles.Helpdesk], mfa: false);
        var page = await AccountSteps.NewPageAsync(browser.Browser, portal.BaseAddress);
        await AccountSteps.SubmitPasswordAsync(page, userName, Password);
        await page.GotoAsync("/tenants");
        await BrowserPortal.WaitForInteractiveAsync(page);
        page.Url.ShouldContain("/tenants");
        return page;
    }
}
