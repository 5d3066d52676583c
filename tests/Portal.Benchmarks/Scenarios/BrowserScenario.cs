using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace Portal.Benchmarks.Scenarios;

/// <summary>
/// The portal as a user sees it: headless Chromium against the real portal on a loopback port. Sign-in to an
/// interactive home page (cold: first context after start; warm: later contexts), time to interactive of /tenants
/// with 1,000 tenants and of /audit over the seeded audit table, and the server round trip of a grid page change.
/// </summary>
public sealed class BrowserScenario : IScenario
{
    private const int Tenants = 1_000;
    private const string TenantRowsReady = "document.querySelector('tbody.mud-table-body a[href^=\"/tenants/\"]') !== null";
    private const string AuditRowsReady = "document.querySelectorAll('tbody.mud-table-body tr').length > 1";

    /// <summary>Clicks the grid pager in the page and resolves when the first cell changes: click to DOM update, no CDP overhead.</summary>
    private const string PageChange = """
        async (forward) => {
          const buttons = [...document.querySelectorAll('.mud-table-pagination-actions button')];
          const label = forward ? 'Next page' : 'Previous page';
          const button = buttons.find(b => b.getAttribute('aria-label') === label) ?? buttons[forward ? buttons.length - 2 : 1];
          const firstCell = () => document.querySelector('tbody.mud-table-body a[href^="/tenants/"]')?.textContent; // the first row's name (the first cell is the row's checkbox for editors)
          const before = firstCell();
          const start = performance.now();
          await new Promise((resolve, reject) => {
            const observer = new MutationObserver(() => { if (firstCell() !== before) { observer.disconnect(); resolve(); } });
            observer.observe(document.body, { subtree: true, childList: true, characterData: true });
            setTimeout(() => { observer.disconnect(); reject(new Error('no DOM update within 15 s')); }, 15000);
            button.click();
          });
          return performance.now() - start;
        }
        """;

    public string Name => "browser";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.WorkFolder);
        await using var portal = BenchPortal.StartOnLoopback(settings.WorkFolder);
        var auditRows = settings.AuditRows;
        var seedWatch = Stopwatch.StartNew();
        await TenantSeeder.SeedAsync(portal, Tenants, cancellationToken);
        await AuditScenario.SeedAsync(portal, auditRows, new DateTime(2025, 12, 1, 0, 0, 0, DateTimeKind.Utc), cancellationToken);
        var seedSeconds = seedWatch.Elapsed.TotalSeconds;
        await using var browser = await BrowserSession.LaunchAsync(portal.BaseAddress);
        var results = new List<BenchmarkResult>();
        var reps = settings.Quick ? 3 : 10;

        // Sign-in → interactive home: the first context pays for JIT, first circuit and cold caches.
        await using (var coldContext = await browser.NewContextAsync())
        {
            var (_, cold) = await BrowserSession.SignInAsync(coldContext, cancellationToken);
            results.Add(new("Browser: sign-in → home interactive (cold)", "1", [cold], null, "first browser context after start; click to first circuit render"));
        }

        var warm = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            await using var context = await browser.NewContextAsync();
            warm.Add((await BrowserSession.SignInAsync(context, cancellationToken)).Milliseconds);
        }

        results.Add(new("Browser: sign-in → home interactive (warm)", "5", warm, null, "new context each time"));

        await using var signedIn = await browser.NewContextAsync();
        var (home, _) = await BrowserSession.SignInAsync(signedIn, cancellationToken);
        await home.CloseAsync();

        var tenantsTti = await TimeToInteractiveAsync(signedIn, "/tenants", TenantRowsReady, reps, cancellationToken);
        results.Add(new("Browser: /tenants time to interactive", Tenants.ToString("N0", CultureInfo.InvariantCulture), tenantsTti, null, "navigation to grid rows rendered by the circuit"));
        var auditTti = await TimeToInteractiveAsync(signedIn, "/audit", AuditRowsReady, reps, cancellationToken);
        results.Add(new("Browser: /audit time to interactive", auditRows.ToString("N0", CultureInfo.InvariantCulture), auditTti, null,
            string.Create(CultureInfo.InvariantCulture, $"newest page, keyset; {auditRows:N0} audit rows + {Tenants:N0} tenants seeded in {seedSeconds:0.0} s")));

        // UI event round trip: the grid's pager (server paging) from click to the first cell changing.
        var (grid, _) = await BrowserSession.OpenInteractiveAsync(signedIn, "/tenants", TenantRowsReady, cancellationToken);
        await grid.EvaluateAsync<double>(PageChange, true); // warm-up
        await grid.EvaluateAsync<double>(PageChange, false);
        var clicks = settings.Quick ? 5 : 20;
        var roundTrips = new List<double>(clicks);
        for (var i = 0; i < clicks; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            roundTrips.Add(await grid.EvaluateAsync<double>(PageChange, i % 2 == 0));
        }

        results.Add(new("Browser: tenants grid page change (click → DOM)", clicks.ToString(CultureInfo.InvariantCulture), roundTrips, null,
            "server round trip over the circuit; see p95"));
        return results;
    }

    private static async Task<List<double>> TimeToInteractiveAsync(IBrowserContext context, string path, string ready, int repetitions, CancellationToken cancellationToken)
    {
        var samples = new List<double>(repetitions);
        for (var i = 0; i <= repetitions; i++)
        {
            var (page, ms) = await BrowserSession.OpenInteractiveAsync(context, path, ready, cancellationToken);
            await page.CloseAsync();
            if (i > 0) // the first load warms the page's components and queries
            {
                samples.Add(ms);
            }
        }

        return samples;
    }
}
