using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data;
using Portal.E2ETests.Infrastructure;
using Portal.Features.Regions;
using Portal.Features.Status;
using Portal.Features.Tenants;

namespace Portal.E2ETests;

/// <summary>The status board's filters live in the address bar: a shared link opens filtered, changes push history, Back restores.</summary>
public sealed class StatusBoardAddressTests(BrowserPortal portal)
{
    private const string Tag = "e2e-address";

    [Fact]
    public async Task SharedLink_OpensFiltered_ChangingAFilterUpdatesTheAddress_BackRestores()
    {
        await SeedAsync("Address Alpha", Tag, ConnectionStatus.Failing, secretAgeDays: 200);   // matches every filter below
        await SeedAsync("Address Bravo", Tag, ConnectionStatus.Failing, secretAgeDays: 1);     // rotation not due
        // Without credentials a sweep cannot change its status (the others stay Failing: their hosts do not exist).
        await SeedAsync("Address Charlie", Tag, ConnectionStatus.NotConfigured, secretAgeDays: null); // other status
        await SeedAsync("Address Delta", "e2e-other", ConnectionStatus.Failing, secretAgeDays: 200); // other tag
        var page = await portal.SignedInPageAsync();
        var rows = page.Locator("[data-testid=status-board] tbody tr");

        await page.GotoAsync($"/status?search=Address&status=Failing&tag={Tag}&rotation=due");
        await BrowserPortal.WaitForInteractiveAsync(page);

        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("Address Alpha");
        await Assertions.Expect(page.Locator("#status-search")).ToHaveValueAsync("Address");
        await Assertions.Expect(page.Locator("#status-status")).ToHaveValueAsync("Failing");
        await Assertions.Expect(page.Locator("#status-tag")).ToHaveValueAsync(Tag);
        await Assertions.Expect(page.Locator("#status-rotation")).ToHaveValueAsync("due");
        await Assertions.Expect(page.Locator("#status-review")).ToHaveValueAsync("");

        // A change writes the address (and a history entry) …
        await page.Locator("#status-rotation").SelectOptionAsync("");
        await AddressIsAsync(page, $"/status?search=Address&tag={Tag}&status=Failing");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-testid=status-board]")).ToContainTextAsync("Address Bravo");

        await page.Locator("#status-status").SelectOptionAsync("NotConfigured");
        await AddressIsAsync(page, $"/status?search=Address&tag={Tag}&status=NotConfigured");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("Address Charlie");

        // … and Back restores the previous filters, rows and controls alike.
        await page.GoBackAsync();
        await AddressIsAsync(page, $"/status?search=Address&tag={Tag}&status=Failing");
        await Assertions.Expect(page.Locator("#status-status")).ToHaveValueAsync("Failing");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await page.GoBackAsync();
        await AddressIsAsync(page, $"/status?search=Address&status=Failing&tag={Tag}&rotation=due"); // the shared link, as opened
        await Assertions.Expect(page.Locator("#status-rotation")).ToHaveValueAsync("due");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("Address Alpha");
        await Assertions.Expect(page.Locator("#status-search")).ToHaveValueAsync("Address");

        // The export writes the same filtered rows: Alpha only.
        await page.GetByRole(AriaRole.Button, new() { Name = "Export CSV" }).ClickAsync();
        var link = page.GetByTestId("export-download");
        await Assertions.Expect(link).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        var path = Path.Combine(BrowserPortal.ArtifactsFolder, "status-address-export.csv");
        await download.SaveAsAsync(path);
        var exported = await File.ReadAllTextAsync(path, Xunit.TestContext.Current.CancellationToken);
        exported.ShouldContain("Address Alpha");
        foreach (var other in new[] { "Address Bravo", "Address Charlie", "Address Delta" })
        {
            exported.ShouldNotContain(other);
        }

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task BadValuesInTheAddress_AreIgnored_NoCrash()
    {
        var page = await portal.SignedInPageAsync();

        await page.GotoAsync("/status?status=Nope&region=abc&tag=%3Cscript%3Ealert(1)%3C%2Fscript%3E&rotation=1&review=yes&search=");
        await BrowserPortal.WaitForInteractiveAsync(page);

        await page.Locator("[data-testid=status-board]").WaitForAsync();
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#status-status")).ToHaveValueAsync("");
        await Assertions.Expect(page.Locator("#status-region")).ToHaveValueAsync("");
        await Assertions.Expect(page.Locator("#status-tag")).ToHaveValueAsync("");
        await Assertions.Expect(page.Locator("#status-rotation")).ToHaveValueAsync("");
        await Assertions.Expect(page.Locator("#status-review")).ToHaveValueAsync("");
        await page.Context.CloseAsync();
    }

    /// <summary>Polls the address (pushState fires no load event); a failure names the address the page has.</summary>
    private static Task AddressIsAsync(IPage page, string pathAndQuery) =>
        Assertions.Expect(page).ToHaveURLAsync(new Uri(new Uri(page.Url), pathAndQuery).ToString(), new() { Timeout = 60_000 });

    private async Task SeedAsync(string name, string tag, ConnectionStatus status, int? secretAgeDays)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        if (await db.Set<Tenant>().AnyAsync(t => t.DisplayName == name))
        {
            return;
        }

        var region = await db.Set<Region>().OrderBy(r => r.Id).FirstAsync(r => r.Product == RegionProduct.Uem);
        var now = DateTime.UtcNow;
        var tenant = new Tenant
        {
            DisplayName = name, NormalizedName = name.ToUpperInvariant(), UemConsoleUrl = "https://cn1.example.test", UemApiUrl = "https://as1.example.test",
            UemTokenUrl = region.TokenUrl, UemRegionId = region.Id, CreatedUtc = now, CreatedBy = "e2e", UpdatedUtc = now, UpdatedBy = "e2e",
        };
        tenant.Tags.Add(new TenantTag { Name = tag });
        db.Add(tenant);
        await db.SaveChangesAsync();
        if (secretAgeDays is { } age)
        {
            db.Add(new TenantSecret
            {
                TenantId = tenant.Id, Kind = TenantSecretKind.UemClientSecret, ProtectedValue = "protected", Fingerprint = "sha256:000000000000",
                SecretSetUtc = now.AddDays(-age), SetBy = "e2e",
            });
        }

        db.Add(new TenantStatusSnapshot { TenantId = tenant.Id, Status = status, StatusSinceUtc = now, LastCheckedUtc = now, Diagnosis = "seeded" });
        await db.SaveChangesAsync();
    }
}
