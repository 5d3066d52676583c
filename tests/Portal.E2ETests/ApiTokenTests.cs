using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;

namespace Portal.E2ETests;

/// <summary>API tokens in Chromium: created on the page, read once from it, used with HttpClient against the same portal, revoked on the page.</summary>
public sealed class ApiTokenTests(BrowserPortal portal)
{
    [Fact]
    public async Task ApiToken_CreatedInTheUi_WorksWithHttpClientUntilRevokedAndIsShownOnlyOnce()
    {
        var page = await portal.SignedInPageAsync();
        await page.GotoAsync("/account/api-tokens");
        await BrowserPortal.WaitForInteractiveAsync(page);
        await page.GetByLabel("Name").FillAsync("E2E script");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var shown = page.GetByTestId("new-api-token");
        await shown.WaitForAsync(new() { Timeout = 20_000 });
        var token = (await shown.InnerTextAsync()).Trim();
        token.ShouldStartWith("cpt_");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserPortal.ArtifactsFolder, "api-token-created.png"), FullPage = true });

        using var http = new HttpClient { BaseAddress = portal.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (var response = await http.GetAsync("/api/v1/tenants?status=all", TestContext.Current.CancellationToken))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            json.RootElement.GetProperty("totalCount").GetInt32().ShouldBeGreaterThan(0); // the demo tenant at least
        }

        // Shown once: after a reload only the public prefix is on the page.
        await page.ReloadAsync();
        await BrowserPortal.WaitForInteractiveAsync(page);
        await page.GetByText(token[..12] + "…").First.WaitForAsync();
        (await page.ContentAsync()).ShouldNotContain(token);

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke token E2E script" }).ClickAsync();
        await page.GetByText("Token 'E2E script' revoked").WaitForAsync(new() { Timeout = 20_000 });
        (await http.GetAsync("/api/v1/tenants", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ScalarReference_InChromium_RendersUnderThePortalCspWithoutViolations()
    {
        var context = await portal.Browser.NewContextAsync(new() { BaseURL = portal.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(message.Text);
            }
        };
        page.PageError += (_, error) => problems.Add(error);

        await page.GotoAsync("/scalar/");
        await page.GetByText("Connector Portal API").First.WaitForAsync(new() { Timeout = 30_000 });
        await page.GetByText("/api/v1/tenants").First.WaitForAsync(new() { Timeout = 30_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserPortal.ArtifactsFolder, "scalar.png") });

        problems.ShouldBeEmpty();
        await context.CloseAsync();
    }
}
