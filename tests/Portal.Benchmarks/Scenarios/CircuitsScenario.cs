extern alias MudShell;
extern alias StockBlazor;

using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Features.Status;
using Portal.Features.Tenants;

namespace Portal.Benchmarks.Scenarios;

/// <summary>
/// Server memory per Blazor circuit (perf-security §5, memory-slope method): open 0, 20 and 50 signed-in pages (one
/// circuit each), take the live heap after a full compacting GC in the server process at each step and fit bytes per
/// circuit; first for the home page (the reference every page pays), then for the status board (the issue's target).
/// Before that, 200 client-side navigations in one circuit (home, tenants grid, status board in turn) must not grow the heap.
/// The portal runs in this process, so <see cref="GC.GetTotalMemory"/> is the server heap (plus a few KB of
/// Playwright client objects per page, which errs on the safe side).
/// Anchors by the same method in the same run: the stock <c>dotnet new blazor --interactivity Server --all-interactive</c>
/// app (its home page; all-interactive as the portal is, so its circuit holds the layout and the page as ours does) and
/// the same app with only a MudBlazor layout (providers, app bar, drawer). Our figures are printed as ratios to both.
/// </summary>
public sealed class CircuitsScenario : IScenario
{
    private const string HomeReady = "document.title.startsWith('Home')";
    private const string BoardReady = "document.title.startsWith('Connection status') && document.querySelector('[data-testid=status-board] a[data-testid=tenant-link]') !== null";
    private const string TenantsReady = "document.title.startsWith('Tenants') && document.querySelector('tbody.mud-table-body a[href^=\"/tenants/\"]') !== null";

    public string Name => "circuits";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.WorkFolder);
        await using var portal = BenchPortal.StartOnLoopback(settings.WorkFolder);
        using var circuits = new ActiveCircuits(portal.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        await TenantSeeder.SeedAsync(portal, 100, cancellationToken);
        await SeedCheckHistoryAsync(portal, cancellationToken);
        await using var browser = await BrowserSession.LaunchAsync(portal.BaseAddress);
        await using var context = await browser.NewContextAsync();
        var (signIn, _) = await BrowserSession.SignInAsync(context, cancellationToken); // the context keeps the auth cookie
        var results = new List<BenchmarkResult>();

        // No growth over many navigations in one circuit (client-side routing: the circuit stays the same).
        var navigations = settings.Quick ? 20 : 200;
        for (var i = 0; i < 10; i++)
        {
            await NavigateAsync(signIn, i, cancellationToken); // warm-up: first renders fill caches that are meant to stay
        }

        var heapBefore = await SettledHeapAsync(cancellationToken);
        var navigationTimes = new List<double>(navigations);
        var heapHalfway = heapBefore;
        for (var i = 0; i < navigations; i++)
        {
            navigationTimes.Add(await NavigateAsync(signIn, i, cancellationToken));
            if (i == (navigations / 2) - 1)
            {
                heapHalfway = await SettledHeapAsync(cancellationToken); // growth that stops by half-way is a cache, not a leak
            }
        }

        var heapAfter = await SettledHeapAsync(cancellationToken);
        results.Add(new($"Circuit: {navigations} navigations in one circuit", navigations.ToString(CultureInfo.InvariantCulture), navigationTimes, Mb(heapAfter),
            string.Create(CultureInfo.InvariantCulture, $"heap before {Mb(heapBefore):0.0} MB, after {navigations / 2}: {Mb(heapHalfway):0.0} MB, after {navigations}: {Mb(heapAfter):0.0} MB ({Kb(heapAfter - heapBefore):+0;-0} KB in all, {Kb(heapAfter - heapHalfway):+0;-0} KB in the second half); /tenants → / → /status")));
        await signIn.CloseAsync();

        // Home first, as the reference: what any signed-in page costs (layout, app bar, navigation, the circuit itself).
        // Then the status board, the issue's target page: its figure minus home's is what the board adds.
        var home = await MemorySlopeAsync(context, circuits, settings, "/", HomeReady, "home pages", cancellationToken);
        var board = await MemorySlopeAsync(context, circuits, settings, "/status", BoardReady, "status boards", cancellationToken);
        results.AddRange(home.Results);
        results.AddRange(board.Results);

        var stock = await AnchorSlopeAsync<StockBlazor::StockBlazor.Components.App>(settings, "main", "stock Blazor app (anchor)", cancellationToken);
        var mudShell = await AnchorSlopeAsync<MudShell::MudShell.Components.App>(settings, ".mud-layout", "MudBlazor layout only (anchor)", cancellationToken);
        results.AddRange(stock.Results);
        results.AddRange(mudShell.Results);

        settings.Report("circuit-board-kb", Kb(board.SlopeBytes), "0");
        settings.Report("circuit-home-kb", Kb(home.SlopeBytes), "0");
        settings.Report("circuit-stock-blazor-kb", Kb(stock.SlopeBytes), "0");
        settings.Report("circuit-mud-shell-kb", Kb(mudShell.SlopeBytes), "0");
        settings.Report("circuit-board-over-stock-blazor", board.SlopeBytes / stock.SlopeBytes);
        settings.Report("circuit-home-over-stock-blazor", home.SlopeBytes / stock.SlopeBytes);
        settings.Report("circuit-board-over-mud-shell", board.SlopeBytes / mudShell.SlopeBytes);
        settings.Report("circuit-home-over-mud-shell", home.SlopeBytes / mudShell.SlopeBytes);
        return results;
    }

    /// <summary>The memory slope of an anchor app's home page, hosted in this process on its own port, in its own browser context.</summary>
    private static async Task<(List<BenchmarkResult> Results, double SlopeBytes)> AnchorSlopeAsync<TEntryPoint>(
        BenchmarkSettings settings, string shellSelector, string label, CancellationToken cancellationToken)
        where TEntryPoint : class
    {
        await using var anchor = new AnchorApp<TEntryPoint>();
        using var circuits = new ActiveCircuits(anchor.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        await using var browser = await BrowserSession.LaunchAsync(anchor.BaseAddress);
        await using var context = await browser.NewContextAsync();
        return await MemorySlopeAsync(context, circuits, settings, "/", "document.querySelector('h1') !== null", label, cancellationToken, shellSelector);
    }

    /// <summary>
    /// Heap after a full compacting GC with 0, then N1, then N2 pages of <paramref name="path"/> open, and the least-squares
    /// slope of the heap over the circuits the server really held at each reading (<paramref name="circuits"/>): circuits
    /// of pages closed earlier may still be held at the first reading and evicted by the last, which would otherwise
    /// count against the pages opened in between.
    /// </summary>
    private static async Task<(List<BenchmarkResult> Results, double SlopeBytes)> MemorySlopeAsync(
        IBrowserContext context, ActiveCircuits circuits, BenchmarkSettings settings, string path, string ready, string label, CancellationToken cancellationToken,
        string shellSelector = ".mud-layout")
    {
        // Warm-up: the first circuits pay one-time costs (render caches, pooled buffers) that would inflate the slope.
        for (var i = 0; i < 5; i++)
        {
            var (warm, _) = await BrowserSession.OpenInteractiveAsync(context, path, ready, cancellationToken, shellSelector);
            await warm.CloseAsync();
        }

        var results = new List<BenchmarkResult>();
        int[] steps = settings.Quick ? [0, 5, 10] : [0, 20, 50];
        var pages = new List<IPage>();
        var points = new List<(long Circuits, long Heap)>();
        var allOpenTimes = new List<double>();
        foreach (var target in steps)
        {
            var openTimes = new List<double>();
            while (pages.Count < target)
            {
                var (page, ms) = await BrowserSession.OpenInteractiveAsync(context, path, ready, cancellationToken, shellSelector);
                pages.Add(page);
                openTimes.Add(ms);
            }

            var heap = await SettledHeapAsync(cancellationToken);
            var held = circuits.Count; // read with the heap: both after the settling delay
            await PauseForHeapDumpAsync(path, target, cancellationToken);
            points.Add((held, heap));
            allOpenTimes.AddRange(openTimes);
            if (target > 0)
            {
                results.Add(new($"Circuits: {target} open {label}", target.ToString(CultureInfo.InvariantCulture), openTimes, Mb(heap),
                    string.Create(CultureInfo.InvariantCulture, $"live heap after compacting GC; server holds {held} circuits ({points[0].Circuits} at 0 open); {Kb((heap - points[0].Heap) / (double)(held - points[0].Circuits)):0} KB per circuit vs 0 open ({Mb(points[0].Heap):0.0} MB)")));
            }
        }

        if (points[^1].Circuits - points[0].Circuits < steps[^1] / 2)
        {
            throw new InvalidOperationException($"{label}: the server held {points[0].Circuits} circuits with none open and {points[^1].Circuits} with {steps[^1]} open; the pages did not each hold a circuit.");
        }

        var slope = Slope(points);
        var marginal = (points[^1].Heap - points[^2].Heap) / (double)(points[^1].Circuits - points[^2].Circuits);
        results.Add(new($"Circuits: memory slope, {label} (least squares)", string.Join("/", steps), allOpenTimes, null,
            string.Create(CultureInfo.InvariantCulture,
                $"{Kb(slope):0} KB per circuit (target < 500 KB); marginal {points[^2].Circuits}→{points[^1].Circuits}: {Kb(marginal):0} KB; times: page open → interactive")));
        foreach (var page in pages)
        {
            await page.CloseAsync();
        }

        return (results, slope);
    }

    /// <summary>
    /// With PORTAL_BENCH_DUMP_PAUSE=/some/file set, waits at each step until /some/file-{page}-{circuits} exists, so a heap
    /// dump (dotnet-gcdump, dotnet-dump) of this process can be taken with that many circuits open.
    /// </summary>
    private static async Task PauseForHeapDumpAsync(string path, int circuits, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("PORTAL_BENCH_DUMP_PAUSE") is not { Length: > 0 } pauseFile)
        {
            return;
        }

        var resume = string.Create(CultureInfo.InvariantCulture, $"{pauseFile}-{(path == "/" ? "home" : path.Trim('/'))}-{circuits}");
        Console.WriteLine($"Paused for a heap dump: pid {Environment.ProcessId}, {circuits} circuits of {path} open; create {resume} to go on.");
        while (!File.Exists(resume))
        {
            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>
    /// A full history behind every board cell, as in production: 20 stored checks per layer (the sparkline length), with
    /// diagnoses; every 10th tenant failing, every 3rd with slow checks mixed in, so outcomes and sparklines vary.
    /// </summary>
    private static async Task SeedCheckHistoryAsync(BenchPortal portal, CancellationToken cancellationToken)
    {
        var factory = portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var now = DateTime.UtcNow;
        var swept = (await db.Set<TenantStatusSnapshot>().Select(s => s.TenantId).ToListAsync(cancellationToken)).ToHashSet(); // the sweeper may have been first
        foreach (var tenantId in await db.Set<Tenant>().Select(t => t.Id).ToListAsync(cancellationToken))
        {
            var failing = tenantId % 10 == 0;
            if (swept.Contains(tenantId))
            {
                continue;
            }

            db.Add(new TenantStatusSnapshot
            {
                TenantId = tenantId, Status = failing ? ConnectionStatus.Failing : ConnectionStatus.Connected, StatusSinceUtc = now.AddHours(-tenantId % 48),
                LastCheckedUtc = now, Diagnosis = failing ? "The API role lacks permission to read devices" : null,
            });
            foreach (var layer in StatusPresentation.Layers)
            {
                for (var k = 0; k < StatusService.SparklineLength; k++)
                {
                    var outcome = failing && k == 0 ? CheckOutcome.Failed : tenantId % 3 == 0 && k % 7 == 3 ? CheckOutcome.Slow : CheckOutcome.Passed;
                    db.Add(new CheckResult
                    {
                        TenantId = tenantId, Layer = layer, Outcome = outcome, LatencyMs = outcome == CheckOutcome.Slow ? 4200 : 180, CheckedUtc = now.AddMinutes(-15 * k),
                        Diagnosis = outcome == CheckOutcome.Passed ? "Connected in 180 ms" : outcome == CheckOutcome.Slow ? "Answered in 4.2 s (slower than 3 s)" : "The API role lacks permission to read devices",
                    });
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Client-side navigation through Blazor's router: the tenants grid, home and the status board in turn.</summary>
    private static async Task<double> NavigateAsync(IPage page, int index, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (path, ready) = (index % 3) switch
        {
            0 => ("/tenants", TenantsReady),
            1 => ("/", HomeReady),
            _ => ("/status", BoardReady),
        };
        var watch = Stopwatch.StartNew();
        await page.EvaluateAsync("path => window.Blazor.navigateTo(path)", path);
        await page.WaitForFunctionAsync($"() => {ready}", null, new PageWaitForFunctionOptions { PollingInterval = 5 });
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>
    /// Live bytes after full, blocking, compacting collections. Without compaction the GC may sweep instead, and the free
    /// gaps it leaves between live objects count in <see cref="GC.GetTotalMemory"/>: that fragmentation was a third of
    /// the board's figure and varies from run to run, so it is squeezed out before each reading.
    /// </summary>
    private static async Task<long> SettledHeapAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(500, cancellationToken); // let render acknowledgements and DB contexts finish
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    private static double Slope(IReadOnlyList<(long Circuits, long Heap)> points)
    {
        var meanX = points.Average(p => (double)p.Circuits);
        var meanY = points.Average(p => (double)p.Heap);
        var covariance = points.Sum(p => (p.Circuits - meanX) * (p.Heap - meanY));
        var variance = points.Sum(p => (p.Circuits - meanX) * (p.Circuits - meanX));
        return covariance / variance;
    }

    private static double Mb(long bytes) => bytes / 1024.0 / 1024.0;

    private static double Kb(double bytes) => bytes / 1024.0;
}
