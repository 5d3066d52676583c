using System.Diagnostics;
using Microsoft.Playwright;

namespace Portal.Benchmarks;

/// <summary>
/// Debian's Chromium (never a downloaded browser) driven by Playwright against a <see cref="BenchPortal"/> on loopback.
/// "Interactive" means the Blazor circuit has applied its first render batch: an init script counts the
/// <c>OnRenderCompleted</c> acknowledgements the client sends over the circuit's WebSocket, which only happen once
/// the server-side components are live (prerendered HTML alone never sends one).
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private const string RenderProbe = """
        (() => {
          window.__bench = { rendered: 0 };
          const send = WebSocket.prototype.send;
          const decoder = new TextDecoder('latin1');
          WebSocket.prototype.send = function (data) {
            try {
              const text = typeof data === 'string' ? data
                : data instanceof ArrayBuffer ? decoder.decode(new Uint8Array(data))
                : ArrayBuffer.isView(data) ? decoder.decode(data) : '';
              if (text.includes('OnRenderCompleted')) { window.__bench.rendered++; }
            } catch { /* never break the app */ }
            return send.call(this, data);
          };
        })();
        """;

    private readonly IPlaywright _playwright;
    private readonly Uri _baseAddress;

    private BrowserSession(IPlaywright playwright, IBrowser browser, Uri baseAddress)
    {
        _playwright = playwright;
        Browser = browser;
        _baseAddress = baseAddress;
    }

    public IBrowser Browser { get; }

    public static async Task<BrowserSession> LaunchAsync(Uri baseAddress)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"],
        });
        return new BrowserSession(playwright, browser, baseAddress);
    }

    /// <summary>A fresh context (own cookies) with the render probe installed.</summary>
    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 860 },
        });
        context.SetDefaultTimeout(60_000);
        await context.AddInitScriptAsync(RenderProbe);
        return context;
    }

    /// <summary>
    /// Signs in through the static sign-in form and returns the page once home is interactive, with the time from
    /// the click on "Sign in" to an interactive home page.
    /// </summary>
    public static async Task<(IPage Page, double Milliseconds)> SignInAsync(IBrowserContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("User name").FillAsync(BenchPortal.AdminUserName);
        await page.GetByLabel("Password").FillAsync(BenchPortal.AdminPassword);
        cancellationToken.ThrowIfCancellationRequested();
        var watch = Stopwatch.StartNew();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.Ordinal));
        await WaitForInteractiveAsync(page);
        return (page, watch.Elapsed.TotalMilliseconds);
    }

    /// <summary>
    /// Waits until the circuit has rendered and <paramref name="readyExpression"/> (JS, truthy when the page shows its data) holds;
    /// <paramref name="shellSelector"/> is the layout's element (the anchor apps have their own).
    /// </summary>
    public static Task WaitForInteractiveAsync(IPage page, string readyExpression = "true", string shellSelector = ".mud-layout")
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.WaitForFunctionAsync(
            $"() => window.Blazor !== undefined && window.__bench && window.__bench.rendered > 0 && document.querySelector('{shellSelector}') !== null && ({readyExpression})",
            null,
            new PageWaitForFunctionOptions { PollingInterval = 5 });
    }

    /// <summary>Loads <paramref name="path"/> in a new page of <paramref name="context"/> and times it until interactive.</summary>
    public static async Task<(IPage Page, double Milliseconds)> OpenInteractiveAsync(
        IBrowserContext context, string path, string readyExpression, CancellationToken cancellationToken, string shellSelector = ".mud-layout")
    {
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        var page = await context.NewPageAsync();
        var watch = Stopwatch.StartNew();
        await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await WaitForInteractiveAsync(page, readyExpression, shellSelector);
        return (page, watch.Elapsed.TotalMilliseconds);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
    }
}
