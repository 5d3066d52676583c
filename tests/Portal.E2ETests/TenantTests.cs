using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;

namespace Portal.E2ETests;

public sealed class TenantTests(BrowserPortal portal)
{
    [Fact]
    public async Task CreateTenant_EndToEnd_SecretNeverAppearsInThePageAfterwards()
    {
        var secret = "E2E-canary-secret-" + Guid.NewGuid().ToString("N");
        var apiKey = "E2EcanaryApiKey" + Guid.NewGuid().ToString("N");
        var name = "E2E Contoso " + Guid.NewGuid().ToString("N")[..6];
        var page = await portal.SignedInPageAsync();
        await page.GotoAsync("/tenants/new");
        await BrowserPortal.WaitForInteractiveAsync(page);

        await page.GetByLabel("Display name").FillAsync(name);
        await page.GetByLabel("UEM region").ClickAsync(new() { Force = true });
        await page.GetByRole(AriaRole.Option).Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("Virginia") }).First.ClickAsync();
        await page.GetByLabel("UEM console URL").FillAsync("https://cn1234.awmdm.com");
        await page.GetByLabel("UEM console URL").PressAsync("Tab");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('input')].some(i => i.value === 'https://as1234.awmdm.com')");
        await page.GetByLabel("Organisation group ID").FillAsync("contoso");
        await page.GetByLabel("OAuth client ID").FillAsync("e2e-client-" + Guid.NewGuid().ToString("N")[..8]);
        await page.GetByLabel("OAuth client secret").FillAsync(secret);
        await page.GetByLabel("UEM REST API key").FillAsync(apiKey);
        await ShellTests.AssertNoSeriousViolationsAsync(page, "New tenant");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create tenant" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/tenants/\\d+$"), new() { Timeout = 20_000 });
        await page.GetByText(Portal.Features.Tenants.SecretFingerprints.Prefix).First.WaitForAsync();
        (await page.ContentAsync()).ShouldNotContain(secret);
        (await page.ContentAsync()).ShouldNotContain(apiKey);

        await page.ReloadAsync();
        await BrowserPortal.WaitForInteractiveAsync(page);
        await page.GetByText(Portal.Features.Tenants.SecretFingerprints.Prefix).First.WaitForAsync();
        var html = await page.ContentAsync();
        html.ShouldContain(name);
        html.ShouldNotContain(secret);
        html.ShouldNotContain(apiKey);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserPortal.ArtifactsFolder, "tenant.png"), FullPage = true });

        await page.GotoAsync("/tenants");
        await BrowserPortal.WaitForInteractiveAsync(page);
        await page.GetByText(name).First.WaitForAsync();
        await ShellTests.AssertNoSeriousViolationsAsync(page, "Tenants list");
        await page.Context.CloseAsync();
    }
}
