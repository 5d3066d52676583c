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

        File.Delete(output);
    }

}
