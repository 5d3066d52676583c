using Microsoft.Playwright;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.E2ETests.Infrastructure;

/// <summary>A portal configured for single sign-on with its own real OpenID provider (node, oidc-provider) on loopback.</summary>
public class SsoPortal : PortalAppFactory
{
    public SsoPortal()
    {
        Provider.Configure(this);
        WithSetting("Status:SweepEnabled", "false");
    }

    public OidcTestProvider Provider { get; } = new();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Provider.StartAsync(BaseAddress);
    }

    public override async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>A fresh browser context (no cookies at the portal or the provider) on this portal.</summary>
    public async Task<IPage> NewPageAsync(IBrowser browser)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 860 },
        });
        // The provider's built-in pages import a web font from the internet; this machine is offline, and the page's
        // load event would wait for it. Nothing outside loopback is needed.
        await context.RouteAsync(url => !url.StartsWith("http://127.0.0.1:", StringComparison.Ordinal) && !url.StartsWith("http://localhost:", StringComparison.Ordinal),
            route => route.AbortAsync());
        return await context.NewPageAsync();
    }

    /// <summary>From the portal's sign-in page through the provider's own login page, back to the portal.</summary>
    public async Task SignInThroughProviderAsync(IPage page, string login)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync("/Account/Login");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Test IdP" }).ClickAsync();
        await FillProviderLoginAsync(page, login);
    }

    /// <summary>The provider's login page must be showing: fills it and waits to be back on the portal.</summary>
    public async Task FillProviderLoginAsync(IPage page, string login)
    {
        ArgumentNullException.ThrowIfNull(page);
        try
        {
            await page.WaitForURLAsync(url => url.StartsWith($"http://localhost:{Provider.Port}/interaction/", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The provider's login page did not show; the browser is at {page.Url}: {await page.ContentAsync()}", ex);
        }

        await page.Locator("input[name=login]").FillAsync(login);
        await page.Locator("input[name=password]").FillAsync("the provider's development login accepts any password");
        await page.Locator("button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(BaseAddress.ToString(), StringComparison.Ordinal)
            && !url.Contains("/Account/SsoComplete", StringComparison.Ordinal) && !url.Contains("/signin-oidc", StringComparison.Ordinal));
    }
}

/// <summary>Single sign-on with local password sign-in turned off; the first admin is the break-glass account.</summary>
public sealed class LocalSignInOffPortal : SsoPortal
{
    public LocalSignInOffPortal()
    {
        WithSetting("Auth:LocalSignIn:Enabled", "false");
        WithSetting("Auth:LocalSignIn:BreakGlassUser", AdminUserName);
    }
}
