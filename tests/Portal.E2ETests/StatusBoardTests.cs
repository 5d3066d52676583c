using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data;
using Portal.E2ETests.Infrastructure;
using Portal.Features.Regions;
using Portal.Features.Tenants;

namespace Portal.E2ETests;

public sealed class StatusBoardTests(BrowserPortal portal)
{
    [Fact]
    public async Task Board_NoSeriousAxeViolations_AndCheckNowOnOnePageUpdatesTheOtherLive()
    {
        const string Name = "Live Update Tenant";
        var tenantId = await SeedTenantAsync(Name);
        var first = await portal.SignedInPageAsync();
        var second = await portal.SignedInPageAsync();
        foreach (var page in new[] { first, second })
        {
            await page.GotoAsync("/status");
            await BrowserPortal.WaitForInteractiveAsync(page);
            await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search tenant or reference" }).FillAsync("Live Update");
            await page.Locator("tr", new() { HasText = Name }).WaitForAsync();
        }

        var watched = second.Locator("tr", new() { HasText = Name });
        (await watched.InnerTextAsync()).ShouldContain("Not checked recently");
        await ShellTests.AssertNoSeriousViolationsAsync(first, "Status board");

        await first.GetByRole(AriaRole.Button, new() { Name = $"Check {Name} now" }).ClickAsync();

        // No reload of the second page: the sweeper's broadcast makes it re-query the stored state.
        await Assertions.Expect(watched).ToContainTextAsync("Not configured", new() { Timeout = 10_000 });
        await first.ScreenshotAsync(new() { Path = Path.Combine(BrowserPortal.ArtifactsFolder, "status-board.png") });

        // The board is plain HTML styled with the theme's CSS variables: the dark palette must keep it readable too.
        await SetThemeAsync(first, "Dark");
        await first.WaitForFunctionAsync("() => getComputedStyle(document.body).backgroundColor !== 'rgb(246, 247, 249)'");
        await ShellTests.AssertNoSeriousViolationsAsync(first, "Status board (dark)");
        await first.ScreenshotAsync(new() { Path = Path.Combine(BrowserPortal.ArtifactsFolder, "status-board-dark.png") });
        await SetThemeAsync(first, "Light");
        await first.WaitForFunctionAsync("() => getComputedStyle(document.body).backgroundColor === 'rgb(246, 247, 249)'");

        await first.GotoAsync($"/status/{tenantId}");
        await BrowserPortal.WaitForInteractiveAsync(first);
        await first.GetByRole(AriaRole.Heading, new() { Name = Name }).WaitForAsync();
        await ShellTests.AssertNoSeriousViolationsAsync(first, "Tenant status detail");
        await first.GotoAsync("/status/notifications");
        await BrowserPortal.WaitForInteractiveAsync(first);
        await first.GetByRole(AriaRole.Heading, new() { Name = "Status notifications" }).WaitForAsync();
        await ShellTests.AssertNoSeriousViolationsAsync(first, "Status notifications");
        await first.Context.CloseAsync();
        await second.Context.CloseAsync();
    }

    private static async Task SetThemeAsync(IPage page, string theme)
    {
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("Change theme") }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = theme }).ClickAsync();
    }

    private async Task<int> SeedTenantAsync(string name)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        if (await db.Set<Tenant>().FirstOrDefaultAsync(t => t.DisplayName == name) is { } existing)
        {
            return existing.Id;
        }

        var region = await db.Set<Region>().OrderBy(r => r.Id).FirstAsync(r => r.Product == RegionProduct.Uem);
        var now = DateTime.UtcNow;
        var tenant = new Tenant
        {
            DisplayName = name, NormalizedName = name.ToUpperInvariant(), UemConsoleUrl = "https://cn1.example.test", UemApiUrl = "https://as1.example.test",
            UemTokenUrl = region.TokenUrl, UemRegionId = region.Id, CreatedUtc = now, CreatedBy = "e2e", UpdatedUtc = now, UpdatedBy = "e2e",
        };
        db.Add(tenant);
        await db.SaveChangesAsync();
        return tenant.Id;
    }
}
