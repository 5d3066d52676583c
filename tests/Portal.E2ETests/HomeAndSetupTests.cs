using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data;
using Portal.E2ETests.Infrastructure;
using Portal.Features.Setup.Demo;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.E2ETests;

/// <summary>The first screens as each role sees them: home says what needs attention, Setup lists tenants to pick.</summary>
public sealed class HomeAndSetupTests(BrowserPortal portal)
{
    private const string Password = "E2e-Home-Passw0rd!long";

    [Fact]
    public async Task Helpdesk_HomeLeadsToTheDemoRunbook_AndSetupListPicksATenantInOneClick()
    {
        await EnsureUserAsync("hana-helpdesk", Roles.Helpdesk);
        var demoId = await DemoTenantIdAsync();

        var page = await portal.SignedInPageAsync("hana-helpdesk", Password);
        var cards = page.GetByTestId("home-card");
        await cards.First.WaitForAsync();
        (await cards.First.GetAttributeAsync("data-card")).ShouldBe("demo");
        await cards.First.GetByRole(AriaRole.Heading, new() { Level = 2, Name = $"Try the whole runbook on {DemoTenantSeeder.DemoTenantName}" }).WaitForAsync();
        await page.Locator("[data-card=setups]").WaitForAsync();
        await page.Locator("[data-card=failing]").WaitForAsync();
        await ShellTests.AssertNoSeriousViolationsAsync(page, "Home (helpdesk)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserPortal.ArtifactsFolder, "home-helpdesk.png"), FullPage = true });

        await cards.First.GetByRole(AriaRole.Link, new() { Name = "Open the demo runbook" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/setup/{demoId}$"), new() { Timeout = 20_000 });

        await page.GotoAsync("/setup");
        await BrowserPortal.WaitForInteractiveAsync(page);
        await page.GetByTestId("setup-tenant-link").First.WaitForAsync();
        await page.GetByLabel("Search tenant or reference").FillAsync("Demo Customer");
        await Assertions.Expect(page.GetByTestId("setup-tenant-link")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await ShellTests.AssertNoSeriousViolationsAsync(page, "Setup list");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserPortal.ArtifactsFolder, "setup-list.png") });
        await page.GetByRole(AriaRole.Link, new() { Name = DemoTenantSeeder.DemoTenantName, Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/setup/{demoId}$"), new() { Timeout = 20_000 });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Helpdesk_HomeInDarkTheme_ReadsWell()
    {
        await EnsureUserAsync("hana-helpdesk", Roles.Helpdesk);

        var page = await portal.SignedInPageAsync("hana-helpdesk", Password, ColorScheme.Dark);
        await page.Locator("[data-card=demo]").WaitForAsync();
        await ShellTests.AssertNoSeriousViolationsAsync(page, "Home (helpdesk, dark)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserPortal.ArtifactsFolder, "home-helpdesk-dark.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("tess-teamlead", Roles.TeamLead, "summary")]
    [InlineData("aldo-auditor", Roles.Auditor, "integrity")]
    public async Task OtherRoles_HomeShowsTheirCards_WithoutTheDemoRunbook(string userName, string role, string firstCard)
    {
        await EnsureUserAsync(userName, role);

        var page = await portal.SignedInPageAsync(userName, Password);
        var cards = page.GetByTestId("home-card");
        await cards.First.WaitForAsync();
        (await cards.First.GetAttributeAsync("data-card")).ShouldBe(firstCard);
        (await page.Locator("[data-card=demo]").CountAsync()).ShouldBe(0);
        await ShellTests.AssertNoSeriousViolationsAsync(page, $"Home ({role})");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserPortal.ArtifactsFolder, $"home-{role.ToLowerInvariant()}.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    private async Task EnsureUserAsync(string userName, string role)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        if (await users.FindByNameAsync(userName) is not null)
        {
            return;
        }

        var user = new PortalUser { UserName = userName, DisplayName = userName, LockoutEnabled = true, CreatedUtc = DateTime.UtcNow };
        (await users.CreateAsync(user, Password)).Succeeded.ShouldBeTrue();
        (await users.AddToRoleAsync(user, role)).Succeeded.ShouldBeTrue();
    }

    private async Task<int> DemoTenantIdAsync()
    {
        await using var scope = portal.Services.ScopeFor(PortalAppFactory.AdminUserName, Roles.Admin);
        return (await scope.ServiceProvider.GetRequiredService<TenantService>().SearchAsync(DemoTenantSeeder.DemoTenantName, 5, Xunit.TestContext.Current.CancellationToken)).Single().Id;
    }
}
