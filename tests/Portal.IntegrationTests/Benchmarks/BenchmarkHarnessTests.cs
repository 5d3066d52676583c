using System.Diagnostics;
using System.Globalization;

namespace Portal.IntegrationTests.Benchmarks;

/// <summary>Exercises the benchmark harness itself with --quick: every scenario completes and reports sane numbers (no time bounds).</summary>
public sealed class BenchmarkHarnessTests
{
    [Fact]
    public async Task QuickRun_EveryScenario_CompletesAndReportsSaneFigures()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Name; // debug or release, as built
        var harness = Path.Combine(Contract.OpenApiDocuments.RepositoryRoot, "artifacts", "bin", "Portal.Benchmarks", configuration, "Portal.Benchmarks.dll");
        File.Exists(harness).ShouldBeTrue($"Build the solution first: {harness} is missing.");
        var output = Path.Combine(Path.GetTempPath(), $"bench-quick-{Guid.NewGuid():N}.md");
        var start = new ProcessStartInfo("dotnet", [harness, "--quick", "--out", output])
        {
            WorkingDirectory = Path.GetDirectoryName(harness)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Xunit.TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(Xunit.TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(Xunit.TestContext.Current.CancellationToken);

        process.ExitCode.ShouldBe(0, await stderr + await stdout);
        var rows = (await File.ReadAllLinesAsync(output, Xunit.TestContext.Current.CancellationToken))
            .Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| Scenario", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .ToList();
        rows.Count.ShouldBeGreaterThanOrEqualTo(7);
        rows.ShouldContain(r => r[1].StartsWith("Start-up", StringComparison.Ordinal));
        rows.ShouldContain(r => r[1].StartsWith("Audit verify", StringComparison.Ordinal) && r[7].StartsWith("intact", StringComparison.Ordinal));
        foreach (var row in rows)
        {
            var median = double.Parse(row[3], CultureInfo.InvariantCulture);
            var p95 = double.Parse(row[4], CultureInfo.InvariantCulture);
            var max = double.Parse(row[5], CultureInfo.InvariantCulture);
            median.ShouldBeGreaterThan(0, row[1]);
            p95.ShouldBeGreaterThanOrEqualTo(median, row[1]);
            max.ShouldBeGreaterThanOrEqualTo(p95, row[1]);
            double.IsFinite(max).ShouldBeTrue(row[1]);
        }

        // The audit page queries' per-sample attribution (key lines after the table): present, and really observed.
        var keys = (await File.ReadAllLinesAsync(output, Xunit.TestContext.Current.CancellationToken))
            .Select(l => l.Split(": ", 2))
            .Where(p => p.Length == 2 && p[0].StartsWith("audit-", StringComparison.Ordinal))
            .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        foreach (var query in (string[])["audit-first", "audit-deep", "audit-tenant-month"])
        {
            keys[$"{query}-cold-ms"].ShouldBeGreaterThan(0, query);
            keys[$"{query}-slow-samples"].ShouldBeInRange(0, 3, query); // of 3 --quick repetitions
            foreach (var summed in (string[])["slow-gc-pause-ms", "slow-compiles", "slow-read-bytes", "slow-rchar-bytes", "slow-cpu-ms", "slow-jit-ms"])
            {
                keys[$"{query}-{summed}"].ShouldBeGreaterThanOrEqualTo(0, $"{query}-{summed}");
            }
        }

        keys["audit-deep-p95-ms"].ShouldBeGreaterThanOrEqualTo(keys["audit-deep-cold-ms"], "the goal's p95 is over every sample, the cold first one included");
        // EF Core's meter is really read: the one-tenant-one-month filter's first run compiles its queries (time range to ids, page).
        keys["audit-tenant-month-cold-compiles"].ShouldBeGreaterThanOrEqualTo(1);
        // The deep page shares the first page's query shape, compiled by then: its first sample compiles nothing.
        keys["audit-deep-cold-compiles"].ShouldBe(0);

        File.Delete(output);
    }

}
