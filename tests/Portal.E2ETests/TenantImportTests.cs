using System.Text;
using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;

namespace Portal.E2ETests;

/// <summary>CSV onboarding in Chromium: template download, upload, dry-run errors, import of the valid rows.</summary>
public sealed class TenantImportTests(BrowserPortal portal)
{
    [Fact]
    public async Task ImportCsv_TemplateUploadDryRunImportValidRows_TenantsListed_NoSeriousAxeViolations()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var page = await portal.SignedInPageAsync();
        await page.GotoAsync("/tenants");
        await BrowserPortal.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Import CSV" }).ClickAsync();
        await page.WaitForURLAsync("**/tenants/import");
        await BrowserPortal.WaitForInteractiveAsync(page);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the template" }).ClickAsync());
        download.SuggestedFilename.ShouldBe("tenant-import-template.csv");
        var template = await File.ReadAllTextAsync(await download.PathAsync(), TestContext.Current.CancellationToken);
        template.ShouldContain("DisplayName,CustomerReference,UemConsoleUrl,UemApiUrl,UemRegion");
        template.ShouldNotContain("Secret", Case.Sensitive);

        // The template as downloaded, with two good rows and two bad ones appended.
        var csv = template.TrimEnd() + "\n" +
                  $"Import Good {suffix} A,,https://cn501.awmdm.com,https://as501.awmdm.com,na,,,,,,,,,e2e-import\n" +
                  $"Import Good {suffix} B,,https://cn502.awmdm.com,https://as502.awmdm.com,emea,,,,eu1,,,,,e2e-import\n" +
                  $"Import Bad {suffix} C,,not-a-url,https://as503.awmdm.com,na,,,,,,,,,\n" +
                  $"Import Bad {suffix} D,,https://cn504.awmdm.com,https://as504.awmdm.com,na,,,,,,,,=1+1,\n";
        await page.Locator("#import-file").SetInputFilesAsync(new FilePayload { Name = "tenants.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });

        await Assertions.Expect(page.GetByTestId("import-summary")).ToContainTextAsync("4 rows, 2 valid, 2 with errors", new() { Timeout = 20_000 });
        var rows = page.GetByTestId("import-rows");
        await Assertions.Expect(rows.Locator("tr[data-line='6']")).ToContainTextAsync("UemConsoleUrl");
        await Assertions.Expect(rows.Locator("tr[data-line='7']")).ToContainTextAsync("formula");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Import all 4 rows" })).ToBeDisabledAsync();
        await ShellTests.AssertNoSeriousViolationsAsync(page, "Import tenants (dry run)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserPortal.ArtifactsFolder, "tenant-import-dry-run.png"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new() { Name = "Import only the 2 valid rows" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("import-message")).ToContainTextAsync("2 tenants imported, 2 rows skipped", new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByTestId("import-report").GetByRole(AriaRole.Link, new() { Name = $"Import Good {suffix} A" })).ToBeVisibleAsync();
        await ShellTests.AssertNoSeriousViolationsAsync(page, "Import tenants (report)");

        await page.GotoAsync("/tenants");
        await BrowserPortal.WaitForInteractiveAsync(page);
        await page.GetByLabel("Search name, reference or organisation group").FillAsync(suffix);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Import Good {suffix} A" })).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Import Good {suffix} B" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText($"Import Bad {suffix}")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
