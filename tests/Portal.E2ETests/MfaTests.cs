using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data;
using Portal.E2ETests.Infrastructure;
using Portal.Features.Audit;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.E2ETests;

/// <summary>A portal that requires MFA of admins, as production does by default (the shared test portal turns it off).</summary>
public sealed class MfaRequiredPortal : PortalAppFactory
{
    public MfaRequiredPortal() => WithSetting("Auth:Mfa:RequiredForRoles:0", Roles.Admin);

    public async Task<List<AuditEntry>> AuditAsync(string action)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Action == action).ToListAsync();
    }
}

public sealed class MfaTests(BrowserPortal browser, MfaRequiredPortal portal) : IClassFixture<MfaRequiredPortal>
{
    private const string Password = "Mfa-Test-Password-2026!";

    [Fact]
    public async Task Admin_WithoutMfa_IsSentToEnrolmentBeforeAnything_EnrolsFromTheShownKey_ThenSignsInWithTotp()
    {
        await AccountSteps.SeedUserAsync(portal.Services, "mfa-new-admin", Password, [Roles.Admin], mfa: false);
        var page = await AccountSteps.NewPageAsync(browser.Browser, portal.BaseAddress);
        await AccountSteps.SubmitPasswordAsync(page, "mfa-new-admin", Password);
        page.Url.ShouldContain("/Account/Mfa");

        // Anything else first: a page, an admin page, an export. Each leads back to enrolment.
        foreach (var path in new[] { "/", "/admin/users", "/tenants" })
        {
            await page.GotoAsync(path);
            page.Url.ShouldContain("/Account/Mfa", customMessage: $"{path} must wait until MFA is set up");
        }

        var export = await page.APIRequest.GetAsync("/audit/export.csv", new() { MaxRedirects = 0 });
        (export.Status is 302 && export.Headers["location"].Contains("/Account/Mfa", StringComparison.Ordinal)).ShouldBeTrue($"export answered {export.Status}");

        var key = await page.GetByTestId("shared-key").InputValueAsync();
        key.ShouldMatch("^([a-z2-7]{4} )+[a-z2-7]{1,4}$", "the key is shown in groups of four");
        (await page.GetByRole(AriaRole.Img, new() { Name = "QR code for your authenticator app" }).GetAttributeAsync("src")).ShouldStartWith("data:image/png;base64,");

        await page.GetByLabel("Code from the app").FillAsync("000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Code: it does not match");

        await page.GetByLabel("Code from the app").FillAsync(AccountSteps.Totp(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        var codes = await page.GetByTestId("recovery-codes").Locator("li").AllInnerTextsAsync();
        codes.Count.ShouldBe(10);
        codes.Distinct().Count().ShouldBe(10);
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/", StringComparison.Ordinal));
        await BrowserPortal.WaitForInteractiveAsync(page);
        (await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.mud-appbar')).position")).ShouldBe("fixed", "the app opens with its own layout and styles");
        await page.GotoAsync("/admin/users");
        page.Url.ShouldContain("/admin/users");

        // Shown once: the page never shows the key or the codes again.
        await page.GotoAsync("/Account/Mfa");
        await Assertions.Expect(page.GetByTestId("recovery-codes-left")).ToHaveTextAsync("10");
        (await page.ContentAsync()).ShouldNotContain(codes[0]);
        (await page.GetByTestId("shared-key").CountAsync()).ShouldBe(0);

        // New recovery codes replace the old ones (shown once again).
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate new recovery codes" }).ClickAsync();
        var renewed = await page.GetByTestId("recovery-codes").Locator("li").AllInnerTextsAsync();
        renewed.Count.ShouldBe(10);
        renewed.ShouldNotContain(codes[0]);
        (await portal.AuditAsync(AuditActions.MfaRecoveryCodesRegenerated)).ShouldContain(e => e.Actor == "mfa-new-admin");

        // The database holds neither the key nor the codes in clear.
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken))
        {
            var stored = await db.UserTokens.AsNoTracking().Select(t => t.Value).ToListAsync(Xunit.TestContext.Current.CancellationToken);
            stored.ShouldNotBeEmpty();
            var bareKey = key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
            stored.ShouldAllBe(value => value == null || (!value.Contains(bareKey) && !value.Contains(renewed[0])));
        }

        (await portal.AuditAsync(AuditActions.MfaEnrolled)).ShouldContain(e => e.Actor == "mfa-new-admin");

        // Next sign-in: the password alone is not enough.
        var again = await AccountSteps.NewPageAsync(browser.Browser, portal.BaseAddress);
        await AccountSteps.SubmitPasswordAsync(again, "mfa-new-admin", Password);
        (await again.APIRequest.GetAsync("/admin/users", new() { MaxRedirects = 0 })).Status.ShouldBe(302, "after the password only, the user is not signed in");
        await AccountSteps.SubmitSecondFactorAsync(again, "123456");
        await Assertions.Expect(again.GetByRole(AriaRole.Alert)).ToContainTextAsync("Code: it is not valid");
        await AccountSteps.SubmitSecondFactorAsync(again, AccountSteps.Totp(key));
        await again.WaitForURLAsync(url => !url.Contains("/Account/", StringComparison.Ordinal));
        await BrowserPortal.WaitForInteractiveAsync(again);
        await again.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task RecoveryCode_SignsInOnce_AndIsRefusedTheSecondTime()
    {
        var (_, _, codes) = await AccountSteps.SeedUserAsync(portal.Services, "mfa-recovery", Password, [Roles.Helpdesk], mfa: true);

        var first = await AccountSteps.NewPageAsync(browser.Browser, portal.BaseAddress);
        await AccountSteps.SubmitPasswordAsync(first, "mfa-recovery", Password);
        await AccountSteps.SubmitSecondFactorAsync(first, codes[3]);
        await first.WaitForURLAsync(url => !url.Contains("/Account/", StringComparison.Ordinal));
        await first.Context.CloseAsync();

        var second = await AccountSteps.NewPageAsync(browser.Browser, portal.BaseAddress);
        await AccountSteps.SubmitPasswordAsync(second, "mfa-recovery", Password);
        await AccountSteps.SubmitSecondFactorAsync(second, codes[3]);
        await Assertions.Expect(second.GetByRole(AriaRole.Alert)).ToContainTextAsync("Code: it is not valid");
        second.Url.ShouldContain("/Account/LoginWithMfa");
        (await second.APIRequest.GetAsync("/tenants", new() { MaxRedirects = 0 })).Status.ShouldBe(302);
        await second.Context.CloseAsync();

        var used = (await portal.AuditAsync(AuditActions.MfaRecoveryCodeUsed)).Where(e => e.Actor == "mfa-recovery").ToList();
        used.Count.ShouldBe(1);
        used[0].DetailsJson.ShouldContain("\"recoveryCodesLeft\":\"9\"");
        (await portal.AuditAsync(AuditActions.SignInFailed)).Where(e => e.Actor == "mfa-recovery").ShouldNotBeEmpty();
        foreach (var code in codes)
        {
            (await portal.AuditAsync(AuditActions.MfaRecoveryCodeUsed)).Concat(await portal.AuditAsync(AuditActions.SignInFailed))
                .ShouldAllBe(e => !e.DetailsJson.Contains(code));
        }
    }

    [Fact]
    public async Task Admin_ResetsUsersMfa_FromTheUsersPage_TheUserEnrolsAgain()
    {
        var (_, adminKey, _) = await AccountSteps.SeedUserAsync(portal.Services, "mfa-reset-admin", Password, [Roles.Admin], mfa: true);
        var (userId, _, _) = await AccountSteps.SeedUserAsync(portal.Services, "mfa-lost-phone", Password, [Roles.Admin], mfa: true);

        var page = await AccountSteps.NewPageAsync(browser.Browser, portal.BaseAddress);
        await AccountSteps.SubmitPasswordAsync(page, "mfa-reset-admin", Password);
        await AccountSteps.SubmitSecondFactorAsync(page, AccountSteps.Totp(adminKey!));
        await page.WaitForURLAsync(url => !url.Contains("/Account/", StringComparison.Ordinal));
        await page.GotoAsync("/admin/users");
        await BrowserPortal.WaitForInteractiveAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Reset MFA of mfa-lost-phone" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("Turn off multi-factor authentication for mfa-lost-phone?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Reset MFA" }).ClickAsync();
        await Assertions.Expect(page.GetByText("MFA of mfa-lost-phone reset.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Reset MFA of mfa-lost-phone" })).ToHaveCountAsync(0);

        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = (await users.FindByIdAsync(userId))!;
            user.TwoFactorEnabled.ShouldBeFalse();
            (await users.CountRecoveryCodesAsync(user)).ShouldBe(0);
        }

        var audit = (await portal.AuditAsync(AuditActions.UserMfaReset)).ShouldHaveSingleItem();
        audit.Actor.ShouldBe("mfa-reset-admin");
        audit.DetailsJson.ShouldContain("mfa-lost-phone");

        // The user's next sign-in asks for enrolment again, not for a code from the lost phone.
        var user2 = await AccountSteps.NewPageAsync(browser.Browser, portal.BaseAddress);
        await AccountSteps.SubmitPasswordAsync(user2, "mfa-lost-phone", Password);
        user2.Url.ShouldContain("/Account/Mfa");
        await user2.Context.CloseAsync();
        await page.Context.CloseAsync();
    }
}
