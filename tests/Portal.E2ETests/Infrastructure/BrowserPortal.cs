using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;
using Portal.IntegrationTests.Infrastructure;

[assembly: AssemblyFixture(typeof(BrowserPortal))]

namespace Portal.E2ETests.Infrastructure;

/// <summary>
/// The real portal on loopback plus Debian's Chromium driven by Playwright (never a downloaded browser).
/// One browser per assembly; each test gets its own context (cookies, storage).
/// </summary>
public sealed class BrowserPortal : PortalAppFactory
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>Screenshots and other artifacts of the browser tests.</summary>
    public static string ArtifactsFolder { get; } = Path.Combine(FindRepositoryRoot(), "artifacts", "e2e");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Directory.CreateDirectory(ArtifactsFolder);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser context already signed in as <paramref name="userName"/>.</summary>
    public async Task<IPage> SignedInPageAsync(string userName = AdminUserName, string password = AdminPassword, ColorScheme scheme = ColorScheme.Light)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 860 },
            ColorScheme = scheme,
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.Ordinal));
        await WaitForInteractiveAsync(page);
        return page;
    }

    /// <summary>Blazor Server pages are interactive once the circuit is up; wait for it before clicking.</summary>
    public static async Task WaitForInteractiveAsync(IPage page)
    {
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('.mud-layout') !== null");
        await page.WaitForTimeoutAsync(300);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await base.DisposeAsync();
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Portal.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? AppContext.BaseDirectory;
    }
}
