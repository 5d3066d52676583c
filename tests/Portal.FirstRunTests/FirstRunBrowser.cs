using Microsoft.Playwright;

namespace Portal.FirstRunTests;

/// <summary>What a new user meets in Chromium: the sign-in page, its styles and scripts, the first sign-in, a live circuit.</summary>
public sealed class FirstRunBrowser(IBrowser browser, Uri baseAddress) : IAsyncDisposable
{
    private readonly List<string> _consoleErrors = [];
    private IBrowserContext? _context;

    public IPage Page { get; private set; } = default!;

    /// <summary>Console errors and uncaught page errors seen so far, in every page of this context.</summary>
    public IReadOnlyList<string> ConsoleErrors => _consoleErrors;

    public async Task OpenSignInPageAsync()
    {
        _context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 860 },
            ColorScheme = ColorScheme.Light,
        });
        Page = await _context.NewPageAsync();
        Page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _consoleErrors.Add($"{message.Text} ({message.Location})");
            }
        };
        Page.PageError += (_, error) => _consoleErrors.Add("uncaught: " + error);
        var response = await Page.GotoAsync("/Account/Login");
        response.ShouldNotBeNull();
        response.Status.ShouldBe(200, "the sign-in page answers");
        await Page.GetByLabel("User name").WaitForAsync();
    }

    /// <summary>Every stylesheet and script the current page names answers 200, and the styles really apply.</summary>
    public async Task<IReadOnlyList<string>> AssertEveryStylesheetAndScriptLoadsAsync()
    {
        var urls = await Page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('link[rel=stylesheet][href], script[src]')].map(e => e.href || e.src)");
        urls.Length.ShouldBeGreaterThanOrEqualTo(3, "the page links its stylesheets and scripts");
        foreach (var url in urls)
        {
            var asset = await Page.APIRequest.GetAsync(url);
            asset.Status.ShouldBe(200, $"{url} answers 200");
            (await asset.BodyAsync()).Length.ShouldBeGreaterThan(100, $"{url} has content");
        }

        var appliedRules = await Page.EvaluateAsync<int>("() => [...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0)");
        appliedRules.ShouldBeGreaterThan(100, "the stylesheets were parsed by the browser");
        return urls;
    }

    /// <summary>Signs in with the printed password, chooses a new one and enrols an authenticator, as the first admin must.</summary>
    public async Task SignInAsFirstAdminAsync(string userName, string printedPassword, string newPassword)
    {
        await Page.GetByLabel("User name").FillAsync(userName);
        await Page.GetByLabel("Password").FillAsync(printedPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("/Account/ChangePassword", StringComparison.Ordinal), new() { Timeout = 30_000 });
        await AssertEveryStylesheetAndScriptLoadsAsync();
        await Page.GetByLabel("Current password").FillAsync(printedPassword);
        await Page.GetByLabel(new System.Text.RegularExpressions.Regex("^New password")).FillAsync(newPassword);
        await Page.GetByLabel("Confirm new password").FillAsync(newPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        // Admins must use a second factor (Auth:Mfa:RequiredForRoles): enrol with the key the page shows, as a phone would.
        await Page.WaitForURLAsync(url => url.Contains("/Account/Mfa", StringComparison.Ordinal), new() { Timeout = 30_000 });
        var key = (await Page.GetByTestId("shared-key").InputValueAsync()).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        await Page.GetByLabel("Code from the app").FillAsync(new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(key)).ComputeTotp());
        await Page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        (await Page.GetByTestId("recovery-codes").Locator("li").CountAsync()).ShouldBe(10);
        await Page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
        await Page.WaitForURLAsync(url => !url.Contains("/Account/", StringComparison.Ordinal), new() { Timeout = 30_000 });
    }

    /// <summary>The circuit is up: a click that only the server can answer changes the page, and MudBlazor's CSS is applied.</summary>
    public async Task AssertCircuitIsInteractiveAsync()
    {
        await Page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('.mud-layout') !== null", null, new() { Timeout = 30_000 });
        (await Page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.mud-appbar')).position")).ShouldBe("fixed", "MudBlazor's stylesheet styles the app bar");
        var toggle = Page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" });
        (await toggle.GetAttributeAsync("aria-expanded")).ShouldBe("true");
        // Prerendered HTML cannot react: the attribute flips only once the circuit handles the click. A click sent
        // before the circuit connected is lost, so try again (the attribute still reads "true" then).
        for (var attempt = 1; ; attempt++)
        {
            await toggle.ClickAsync();
            try
            {
                await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false", new() { Timeout = 3_000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 10)
            {
                if (await toggle.GetAttributeAsync("aria-expanded") == "false")
                {
                    break;
                }
            }
        }

        await toggle.ClickAsync(); // and back: the navigation stays open for the screenshot
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await Page.WaitForFunctionAsync( // the drawer slides in: wait until it is fully in place
            "() => { const d = document.querySelector('.mud-drawer'); return d && d.getBoundingClientRect().left >= 0 && d.getAnimations({ subtree: true }).every(a => a.playState !== 'running'); }");
        await Page.WaitForTimeoutAsync(100);
    }

    public async ValueTask DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }
    }
}
