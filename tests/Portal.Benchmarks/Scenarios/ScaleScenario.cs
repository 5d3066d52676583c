using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Features.Status;
using Portal.Features.Users;
using Portal.Simulator;

namespace Portal.Benchmarks.Scenarios;

/// <summary>
/// 10,000 tenants on the default 15-minute interval, set up as in <see cref="SweepScenario"/> (own OAuth client each,
/// 8 loopback hosts, 50 ms per call): does a steady sweep fit in one interval, and how much of the machine's CPU does it
/// take (process CPU time ÷ (wall time × cores))? The simulator runs in the same process, so its share is included and
/// the figure is an upper bound for the portal alone. Then the board's first page over the swept tenants.
/// </summary>
public sealed class ScaleScenario : IScenario
{
    public string Name => "scale";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.WorkFolder);
        var tenants = settings.Quick ? 100 : 10_000;
        await using var portal = new SweepScenario.SweepPortal(settings.WorkFolder, BenchPortal.FreeLoopbackPort(), tenantTimeoutSeconds: 15);
        portal.StartServer();
        var simulator = portal.Services.GetRequiredService<SimulatorState>();
        var (clean, _, _) = await SweepScenario.SeedAsync(portal, simulator, tenants, 0, cancellationToken);
        simulator.AddFault(new SimFault { Kind = SimFaultKind.Latency, DelayMilliseconds = 50 });
        var sweeper = portal.Services.GetRequiredService<StatusSweeper>();
        var interval = portal.Services.GetRequiredService<IOptions<StatusOptions>>().Value.Interval;
        var n = tenants.ToString("N0", CultureInfo.InvariantCulture);

        using var process = Process.GetCurrentProcess();
        var firstCpu = SweepScenario.Cpu(process);
        var firstWatch = Stopwatch.StartNew();
        await sweeper.SweepAsync(clean, cancellationToken); // tokens, first statuses and their audit entries
        var firstMs = firstWatch.Elapsed.TotalMilliseconds;
        var firstCpuPerCheck = (SweepScenario.Cpu(process) - firstCpu) / clean.Count;

        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var statuses = await sweeper.SweepAsync(clean, cancellationToken);
        var wallMs = wall.Elapsed.TotalMilliseconds;
        process.Refresh();
        var cpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
        var cpuShare = cpuMs / (wallMs * Environment.ProcessorCount);
        var healthy = statuses.Values.Count(s => s == ConnectionStatus.Connected);
        if (healthy != clean.Count)
        {
            var counts = string.Join(", ", statuses.Values.GroupBy(s => s).Select(g => $"{g.Key}: {g.Count()}"));
            throw new InvalidOperationException(
                $"Only {healthy} of {clean.Count} tenants came out Connected ({counts}; steady sweep {wallMs / 1000:0.0} s, CPU {cpuMs / 1000:0.0} s): the sweep is not measuring what it claims.");
        }

        await using var scope = BenchPortal.ScopeFor(portal.Services, "bench-admin", Roles.Admin);
        var status = scope.ServiceProvider.GetRequiredService<StatusService>();
        await status.QueryBoardAsync(new StatusBoardQuery(), cancellationToken); // warm-up
        var board = await Measure.RepeatAsync(settings.Repetitions, () => status.QueryBoardAsync(new StatusBoardQuery(), cancellationToken));
        var boardResult = new BenchmarkResult("Status board: first page (25), swept tenants", n, board, null, "after the sweeps below");

        settings.Report("sweep-10k-tenants", tenants, "0");
        settings.Report("sweep-10k-first-s", firstMs / 1000);
        settings.Report("sweep-10k-s", wallMs / 1000);
        settings.Report("sweep-10k-over-interval", wallMs / interval.TotalMilliseconds, "0.000");
        settings.Report("sweep-10k-cpu-share", cpuShare, "0.000");
        settings.Report("sweep-10k-first-cpu-ms-per-check", firstCpuPerCheck, "0.0");
        settings.Report("sweep-10k-cpu-ms-per-check", cpuMs / clean.Count, "0.0");
        settings.Report("board-10k-first-page-p95-ms", boardResult.P95, "0.0");
        return
        [
            new("Scale: first sweep (tokens, first statuses)", n, [firstMs], null, "50 ms per call, default concurrency"),
            new("Scale: steady sweep", n, [wallMs], null,
                $"{wallMs / interval.TotalMilliseconds:P1} of the {interval.TotalMinutes:0}-minute interval; CPU {cpuMs / 1000:0.0} s = {cpuShare:P1} of {Environment.ProcessorCount} cores (simulator included; target < 50 %)"),
            boardResult,
        ];
    }
}
