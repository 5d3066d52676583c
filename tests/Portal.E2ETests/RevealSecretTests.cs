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

/// <summary>"Reveal the secret once" in Chromium: it shows, to the user who ran the client step only, and is gone once they leave the step.</summary>
public sealed class RevealSecretTests(BrowserPortal portal)
{
    private const string HelpdeskUser = "rhea-helpdesk";
    private const string Password = "Rhea!Helpdesk-Pass-2026";

    [Fact]
    public async Task Reveal_HelpdeskUserOnANewSimulatedTenant_SeesTheSecretOnceAndNotAfterLeavingTheStep()
    {
        await EnsureHelpdeskUserAsync();
        var tenantId = await NewSimulatedTenantAsync();
        var page = await portal.SignedInPageAsync(HelpdeskUser, Password);
        await page.GotoAsync($"/setup/{tenantId}");
        await BrowserPortal.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Start the set-up" }).ClickAsync();
        await ExpectStepAsync(page, "Plan");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm the plan" }).ClickAsync();
        await ExpectStepAsync(page, "Create the OAuth client in UEM");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save in the simulator" }).ClickAsync();
        var clientId = await page.GetByTestId("sim-client-id").InnerTextAsync();
        var secret = await page.GetByTestId("sim-client-secret").InnerTextAsync();
        await page.GetByLabel("Client ID", new() { Exact = true }).FillAsync(clientId);
        await page.GetByLabel("Client secret", new() { Exact = true }).FillAsync(secret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify and save" }).ClickAsync();
        await ExpectStepAsync(page, "REST API key");
        await page.GetByLabel("REST API key", new() { Exact = true }).FillAsync(await page.GetByTestId("sim-api-key").InnerTextAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify and save" }).ClickAsync();
        await ExpectStepAsync(page, "Verify UEM end to end");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify", Exact = true }).ClickAsync();
        await ExpectStepAsync(page, "Authorise in Intelligence");

        await page.GetByRole(AriaRole.Button, new() { Name = "Reveal the secret once" }).ClickAsync();

        var revealed = page.GetByTestId("revealed-secret");
        await revealed.WaitForAsync(new() { Timeout = 20_000 });
        (await revealed.InnerTextAsync()).ShouldBe(secret);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserPortal.ArtifactsFolder, "reveal-shown.png"), FullPage = true });

        // Another user on the same run (the admin) sees that it was revealed, never the secret.
        var other = await portal.SignedInPageAsync();
        await other.GotoAsync($"/setup/{tenantId}");
        await BrowserPortal.WaitForInteractiveAsync(other);
        await other.GetByText($"Already revealed in this run to {HelpdeskUser}").WaitForAsync(new() { Timeout = 20_000 });
        (await other.ContentAsync()).ShouldNotContain(secret);
        await other.Context.CloseAsync();

        // Leaving the step hides it for good: back on the step, and after a reload, only the note remains.
        await page.Locator("button.setup-step-button").First.ClickAsync();
        await ExpectStepAsync(page, "Plan");
        await page.Locator("button.setup-step-button").Nth(4).ClickAsync();
        await ExpectStepAsync(page, "Authorise in Intelligence");
        await page.GetByText($"Already revealed in this run to {HelpdeskUser}").WaitForAsync();
        (await page.GetByTestId("revealed-secret").CountAsync()).ShouldBe(0);
        (await page.ContentAsync()).ShouldNotContain(secret);
        await page.ReloadAsync();
        await BrowserPortal.WaitForInteractiveAsync(page);
        await ExpectStepAsync(page, "Authorise in Intelligence");
        (await page.ContentAsync()).ShouldNotContain(secret);
        await page.Context.CloseAsync();
    }

    private static async Task ExpectStepAsync(IPage page, string title) =>
        await page.GetByTestId("step-panel").GetByRole(AriaRole.Heading, new() { Name = title, Exact = true }).WaitForAsync(new() { Timeout = 20_000 });

    /// <summary>A fresh tenant on the Simulated region (a copy of the demo tenant's addresses, no secrets), so no other test's run is in the way.</summary>
    private async Task<int> NewSimulatedTenantAsync()
    {
        await using var scope = portal.Services.ScopeFor(PortalAppFactory.AdminUserName, Roles.Admin);
        var tenants = scope.ServiceProvider.GetRequiredService<TenantService>();
        var demoId = (await tenants.SearchAsync(DemoTenantSeeder.DemoTenantName, 5, Xunit.TestContext.Current.CancellationToken)).Single().Id;
        var model = (await tenants.GetAsync(demoId, Xunit.TestContext.Current.CancellationToken))!.Model.Clone();
        model.DisplayName = "Reveal check " + Guid.NewGuid().ToString("N")[..8];
        model.OAuthClientId = null;
        model.IntelligenceClientId = null;
        model.IntelligenceRegionId = null;
        var created = await tenants.CreateAsync(model, Xunit.TestContext.Current.CancellationToken);
        created.Succeeded.ShouldBeTrue(created.Message);
        return created.Id!.Value;
    }

    private async Task EnsureHelpdeskUserAsync()
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        if (await users.FindByNameAsync(HelpdeskUser) is not null)
        {
            return;
        }

        var user = new PortalUser { UserName = HelpdeskUser, DisplayName = HelpdeskUser, LockoutEnabled = true, CreatedUtc = DateTime.UtcNow };
        (await users.CreateAsync(user, Password)).Succeeded.ShouldBeTrue();
        (await users.AddToRoleAsync(user, Roles.Helpdesk)).Succeeded.ShouldBeTrue();
    }
}
