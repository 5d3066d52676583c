using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace Portal.Benchmarks.Scenarios;

/// <summary>
/// Server memory per Blazor circuit (perf-security §5, memory-slope method): open 0, 20 and 50 signed-in pages on the
/// status board (one circuit each), force a full GC in the server process after each step and fit bytes per circuit.
/// Then 200 client-side navigations in one circuit must not grow the heap.
/// The portal runs in this process, so <see cref="GC.GetTotalMemory"/> is the server heap (plus a few KB of
/// Playwright client objects per page, which errs on the safe side).
/// </summary>
public sealed class CircuitsScenario : IScenario
{
    private const string HomeReady = "document.title.startsWith('Home')";
    private const string BoardReady = "document.title.startsWith('Connection status') && document.querySelector('.mud-table') !== null";
    private const string TenantsReady = "document.title.startsWith('Tenants') && document.querySelector('tbody.mud-table-body a[href^=\"/tenants/\"]') !== null";

    public string Name => "circuits";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.WorkFolder);
        await using var portal = BenchPortal.StartOnLoopback(settings.WorkFolder);
        await TenantSeeder.SeedAsync(portal, 100, cancellationToken);
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
            string.Create(CultureInfo.InvariantCulture, $"heap before {Mb(heapBefore):0.0} MB, after {navigations / 2}: {Mb(heapHalfway):0.0} MB, after {navigations}: {Mb(heapAfter):0.0} MB ({Kb(heapAfter - heapBefore):+0;-0} KB in all, {Kb(heapAfter - heapHalfway):+0;-0} KB in the second half); / ↔ /tenants")));
        await signIn.CloseAsync();

        // Warm-up: the first circuits pay one-time costs (render caches, pooled buffers) that would inflate the slope.
        for (var i = 0; i < 5; i++)
        {
            var (warm, _) = await BrowserSession.OpenInteractiveAsync(context, "/status", BoardReady, cancellationToken);
            await warm.CloseAsync();
        }

        // Memory slope on the status board (the target page): heap after forced GC with 0, then N1, then N2 circuits open.
        int[] steps = settings.Quick ? [0, 5, 10] : [0, 20, 50];
        var pages = new List<IPage>();
        var points = new List<(int Circuits, long Heap)>();
        var allOpenTimes = new List<double>();
        foreach (var target in steps)
        {
            var openTimes = new List<double>();
            while (pages.Count < target)
            {
                var (page, ms) = await BrowserSession.OpenInteractiveAsync(context, "/status", BoardReady, cancellationToken);
                pages.Add(page);
                openTimes.Add(ms);
            }

            var heap = await SettledHeapAsync(cancellationToken);
            points.Add((target, heap));
            allOpenTimes.AddRange(openTimes);
            if (target > 0)
            {
                results.Add(new($"Circuits: {target} open status boards", target.ToString(CultureInfo.InvariantCulture), openTimes, Mb(heap),
                    string.Create(CultureInfo.InvariantCulture, $"heap after full GC; {Kb((heap - points[0].Heap) / (double)target):0} KB per circuit vs 0 open ({Mb(points[0].Heap):0.0} MB)")));
            }
        }

        var slope = Slope(points);
        var marginal = (points[^1].Heap - points[^2].Heap) / (double)(points[^1].Circuits - points[^2].Circuits);
        results.Add(new("Circuits: memory slope (least squares)", string.Join("/", steps), allOpenTimes, null,
            string.Create(CultureInfo.InvariantCulture,
                $"{Kb(slope):0} KB per circuit (target < 500 KB); marginal {points[^2].Circuits}→{points[^1].Circuits}: {Kb(marginal):0} KB; times: page open → interactive")));
        foreach (var page in pages)
        {
            await page.CloseAsync();
        }

        return results;
    }

    /// <summary>Client-side navigation through Blazor's router, alternating home and the tenants grid.</summary>
    private static async Task<double> NavigateAsync(IPage page, int index, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (path, ready) = index % 2 == 0 ? ("/tenants", TenantsReady) : ("/", HomeReady);
        var watch = Stopwatch.StartNew();
        await page.EvaluateAsync("path => window.Blazor.navigateTo(path)", path);
        await page.WaitForFunctionAsync($"() => {ready}", null, new PageWaitForFunctionOptions { PollingInterval = 5 });
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task<long> SettledHeapAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(500, cancellationToken); // let render acknowledgements and DB contexts finish
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static double Slope(IReadOnlyList<(int Circuits, long Heap)> points)
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
