using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.E2ETests;

public sealed class SetupWizardTests(BrowserPortal portal)
{
    private int _shot;

    [Fact]
    public async Task Wizard_NewUserOnTheDemoTenant_CompletesEveryStepAndResumesAfterReload()
    {
        int tenantId;
        await using (var scope = portal.Services.ScopeFor(PortalAppFactory.AdminUserName, Roles.Admin))
        {
            tenantId = (await scope.ServiceProvider.GetRequiredService<TenantService>().SearchAsync("Demo Customer", 5, Xunit.TestContext.Current.CancellationToken)).Single().Id;
        }

        var page = await portal.SignedInPageAsync();
        await page.GotoAsync($"/setup/{tenantId}");
        await BrowserPortal.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Start the set-up" }).ClickAsync();

        await ExpectStepAsync(page, "Plan");
        await ShellTests.AssertNoSeriousViolationsAsync(page, "Wizard: plan");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm the plan" }).ClickAsync();

        await ExpectStepAsync(page, "Create the OAuth client in UEM");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save in the simulator" }).ClickAsync();
        var clientId = await page.GetByTestId("sim-client-id").InnerTextAsync();
        var secret = await page.GetByTestId("sim-client-secret").InnerTextAsync();
        await page.GetByLabel("Client ID", new() { Exact = true }).FillAsync(clientId);
        await page.GetByLabel("Client secret", new() { Exact = true }).FillAsync(secret);
        await ShellTests.AssertNoSeriousViolationsAsync(page, "Wizard: OAuth client");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify and save" }).ClickAsync();

        await ExpectStepAsync(page, "REST API key");
        // A dropped connection or a colleague: reloading resumes where the run stopped.
        await page.ReloadAsync();
        await BrowserPortal.WaitForInteractiveAsync(page);
        await ExpectStepAsync(page, "REST API key");
        (await page.ContentAsync()).ShouldNotContain(secret);
        var apiKey = await page.GetByTestId("sim-api-key").InnerTextAsync();
        await page.GetByLabel("REST API key", new() { Exact = true }).FillAsync(apiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify and save" }).ClickAsync();

        await ExpectStepAsync(page, "Verify UEM end to end");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify", Exact = true }).ClickAsync();

        await ExpectStepAsync(page, "Authorise in Intelligence");
        (await page.GetByTestId("intelligence-token-url").InnerTextAsync()).ShouldContain("/simulator/");
        // Intelligence's half, in the simulated Intelligence console: the user pastes the runbook's values by hand.
        var intelligence = await page.RunAndWaitForPopupAsync(() => page.GetByTestId("open-simulated-intelligence").ClickAsync());
        await BrowserPortal.WaitForInteractiveAsync(intelligence);
        await intelligence.GetByLabel("API URL", new() { Exact = true }).FillAsync(await page.GetByTestId("intelligence-api-url").InnerTextAsync());
        await intelligence.GetByLabel("Token URL", new() { Exact = true }).FillAsync(await page.GetByTestId("intelligence-token-url").InnerTextAsync());
        await intelligence.GetByLabel("Client ID", new() { Exact = true }).FillAsync(await page.GetByTestId("intelligence-client-id").InnerTextAsync());
        await intelligence.GetByLabel("Client Secret", new() { Exact = true }).FillAsync(secret);
        await SnapAsync(intelligence, "intelligence-form");
        await intelligence.GetByRole(AriaRole.Button, new() { Name = "Authorise" }).ClickAsync();
        await intelligence.GetByTestId("intelligence-status").GetByText("Authorised").WaitForAsync();
        (await intelligence.GetByTestId("intelligence-status").InnerTextAsync()).ShouldContain(clientId);
        await ShellTests.AssertNoSeriousViolationsAsync(intelligence, "Simulated Intelligence: integration");
        await SnapAsync(intelligence, "intelligence-authorised");
        await page.GetByLabel("I saw Intelligence show the integration as Authorised (green tick)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm", Exact = true }).ClickAsync();

        await ExpectStepAsync(page, "Prove it with an automation");
        (await page.GetByRole(AriaRole.Button, new() { Name = "The automation locked the device" }).CountAsync()).ShouldBe(0);
        var serial = await page.GetByTestId("sim-device-serial").InnerTextAsync();
        await intelligence.GetByText("Automations", new() { Exact = true }).ClickAsync();
        await intelligence.GetByLabel("Serial number", new() { Exact = true }).FillAsync(serial);
        await SnapAsync(intelligence, "intelligence-automation");
        await intelligence.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await intelligence.GetByTestId("intelligence-run-result").GetByText("Lock Device: accepted").WaitForAsync();
        await intelligence.GetByText("Activity", new() { Exact = true }).ClickAsync();
        await intelligence.GetByTestId("intelligence-activity").GetByText(serial).WaitForAsync();
        await ShellTests.AssertNoSeriousViolationsAsync(intelligence, "Simulated Intelligence: activity");
        await SnapAsync(intelligence, "intelligence-activity");
        await page.BringToFrontAsync();
        (await page.GetByTestId("automation-serial").Locator("input").InputValueAsync()).ShouldBe(serial);
        await page.GetByRole(AriaRole.Button, new() { Name = "Watch for the automation's Lock" }).ClickAsync();

        await ExpectStepAsync(page, "Summary");
        // Step 6 shows who sent the Lock and when, from UEM's event log.
        await page.GetByText("6. Prove it with an automation").ClickAsync();
        await page.GetByTestId("step-panel").GetByText($"sent by {clientId}").WaitForAsync();
        await SnapAsync(page, "automation-proven");
        await page.GetByText("7. Summary").ClickAsync();
        await ExpectStepAsync(page, "Summary");
        await page.GetByRole(AriaRole.Button, new() { Name = "Finish: mark the connection as set up" }).ClickAsync();
        await page.GetByText("Finished ").First.WaitForAsync();
        await SnapAsync(page, "finished");
        (await page.ContentAsync()).ShouldNotContain(secret);
        (await page.ContentAsync()).ShouldNotContain(apiKey);

        await page.GetByRole(AriaRole.Link, new() { Name = "Printable runbook" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Runbook:") }).WaitForAsync();
        await ShellTests.AssertNoSeriousViolationsAsync(page, "Runbook");
        await SnapAsync(page, "runbook");
        await page.Context.CloseAsync();
    }

    private async Task ExpectStepAsync(IPage page, string title)
    {
        await page.GetByTestId("step-panel").GetByRole(AriaRole.Heading, new() { Name = title, Exact = true }).WaitForAsync(new() { Timeout = 20_000 });
        await SnapAsync(page, title);
    }

    private async Task SnapAsync(IPage page, string name)
    {
        var file = $"wizard-{++_shot:00}-{string.Concat(name.Where(char.IsLetterOrDigit))}.png";
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserPortal.ArtifactsFolder, file), FullPage = true });
    }
}
