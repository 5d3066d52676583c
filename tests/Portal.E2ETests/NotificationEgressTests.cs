using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;

namespace Portal.E2ETests;

/// <summary>The notifications form in Chromium: an SMTP channel on a bad port, then on loopback, is refused with the field's message and not saved.</summary>
public sealed class NotificationEgressTests(BrowserPortal portal)
{
    [Fact]
    public async Task SmtpChannel_Port70000ThenLoopback_RefusedWithFieldMessages_NothingSaved()
    {
        var page = await portal.SignedInPageAsync();
        await page.GotoAsync("/status/notifications");
        await BrowserPortal.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Heading, new() { Name = "Status notifications" }).WaitForAsync();

        await page.GetByLabel("Name").First.FillAsync("Loopback relay");
        await page.GetByLabel("SMTP host").FillAsync("127.0.0.1");
        await page.GetByLabel("SMTP port").FillAsync("70000");
        await page.GetByLabel("From address").FillAsync("portal@example.com");
        await page.GetByLabel("To (comma-separated)").FillAsync("ops@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save channel" }).ClickAsync();

        var alert = page.Locator(".mud-alert-text-error, .mud-alert-filled-error, .mud-alert").Filter(new() { HasText = "SMTP port" });
        await Assertions.Expect(alert).ToContainTextAsync("SMTP port 70000 is out of range. Enter a port between 1 and 65535");

        await page.GetByLabel("SMTP port").FillAsync("5432");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save channel" }).ClickAsync();
        var refused = page.Locator(".mud-alert").Filter(new() { HasText = "egress guard" });
        await Assertions.Expect(refused).ToContainTextAsync("SMTP host: Refused by the egress guard: 127.0.0.1 is loopback (this machine). To allow a lab network add it to Egress:AllowedNetworks.");

        await page.ReloadAsync();
        await BrowserPortal.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Heading, new() { Name = "Channels" }).WaitForAsync();
        (await page.Locator("table[aria-label='Notification channels']").CountAsync() == 0
            || !(await page.Locator("table[aria-label='Notification channels']").InnerTextAsync()).Contains("Loopback relay", StringComparison.Ordinal)).ShouldBeTrue();
        await page.Context.CloseAsync();
    }
}
