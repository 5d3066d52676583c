using Microsoft.Playwright;
using Portal.IntegrationTests.Infrastructure;
using Portal.E2ETests.Infrastructure;

namespace Portal.E2ETests;

public sealed class AuditPageTests(BrowserPortal portal)
{
    [Fact]
    public async Task AuditPage_FilterByAction_PutsTheFilterInTheUrlAndTheSharedUrlReproducesTheView()
    {
        var page = await portal.SignedInPageAsync();
        await page.GotoAsync("/audit");
        await BrowserPortal.WaitForInteractiveAsync(page);

        await page.GetByLabel("Actor (user name)").FillAsync("admin");
        await page.GetByLabel("Actor (user name)").PressAsync("Tab"); // MudTextField commits its value on change
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        // Blazor navigates in the same document (no load event): poll the address instead of waiting for a load.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("actor=admin"), new() { Timeout = 20_000 });
        var sharedUrl = page.Url;
        var rows = page.Locator("tbody.mud-table-body tr");
        await rows.First.WaitForAsync();
        // Retrying assertion: the grid re-renders after the URL changes, and background actors (status sweeper) also write entries.
        await Assertions.Expect(rows.Filter(new() { HasNotText = "admin" })).ToHaveCountAsync(0);
        (await rows.AllInnerTextsAsync()).ShouldAllBe(text => text.Contains("admin", StringComparison.Ordinal));

        // A colleague opening the shared link sees the same filtered view.
        var colleague = await portal.SignedInPageAsync();
        await colleague.GotoAsync(sharedUrl);
        await BrowserPortal.WaitForInteractiveAsync(colleague);
        (await colleague.GetByLabel("Actor (user name)").InputValueAsync()).ShouldBe("admin");
        await colleague.Context.CloseAsync();

        await rows.First.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Details of entry") }).ClickAsync();
        var drawer = page.GetByLabel("Audit entry details");
        await drawer.GetByText("Previous hash").WaitForAsync();
        await ShellTests.AssertNoSeriousViolationsAsync(page, "Audit (details open)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserPortal.ArtifactsFolder, "audit.png") });
        await drawer.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await drawer.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await ShellTests.AssertNoSidewaysScrollAsync(page, "Audit (details closed)");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AuditPage_VerifyIntegrity_ReportsAnIntactChain()
    {
        var page = await portal.SignedInPageAsync();
        await page.GotoAsync("/audit");
        await BrowserPortal.WaitForInteractiveAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Verify integrity" }).ClickAsync();

        var result = page.GetByTestId("verification-result");
        await result.WaitForAsync();
        (await result.InnerTextAsync()).ShouldContain("Chain intact");
        await ShellTests.AssertNoSidewaysScrollAsync(page, "Audit (verified)");
        await page.Context.CloseAsync();
    }
}

public sealed class EvidencePageTests(BrowserPortal portal)
{
    [Fact]
    public async Task EvidencePage_DemoTenant_ShowsIntegrityAndHasNoSeriousAxeViolations()
    {
        int tenantId;
        await using (var scope = portal.Services.ScopeFor(Portal.IntegrationTests.Infrastructure.PortalAppFactory.AdminUserName, Portal.Features.Users.Roles.Admin))
        {
            tenantId = (await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Portal.Features.Tenants.TenantService>(scope.ServiceProvider)
                .SearchAsync("Demo Customer", 5, Xunit.TestContext.Current.CancellationToken)).Single().Id;
        }

        var page = await portal.SignedInPageAsync();
        await page.GotoAsync($"/audit/evidence?tenant={tenantId}");
        await BrowserPortal.WaitForInteractiveAsync(page);

        var integrity = page.GetByTestId("evidence-integrity");
        await integrity.WaitForAsync();
        (await integrity.InnerTextAsync()).ShouldContain("integrity verified");
        await ShellTests.AssertNoSeriousViolationsAsync(page, "Evidence pack");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserPortal.ArtifactsFolder, "evidence.png"), FullPage = true });
        await page.Context.CloseAsync();
    }
}
