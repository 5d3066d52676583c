using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Portal.Benchmarks;

/// <summary>One row of the results table.</summary>
public sealed record BenchmarkResult(string Scenario, string N, IReadOnlyList<double> SamplesMs, double? MemoryMb, string Note = "")
{
    public double Median => Percentile(0.5);

    public double P95 => Percentile(0.95);

    public double Max => SamplesMs.Count == 0 ? double.NaN : SamplesMs.Max();

    private double Percentile(double p)
    {
        if (SamplesMs.Count == 0)
        {
            return double.NaN;
        }

        var sorted = SamplesMs.Order().ToArray();
        var index = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}

/// <summary>A benchmark scenario: sets itself up, measures, and reports one or more rows.</summary>
public interface IScenario
{
    string Name { get; }

    /// <summary>Whether the scenario can run with <c>--provider postgres</c>; the others are skipped there ("sqlite only").</summary>
    bool SupportsPostgres => false;

    Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkSettings settings, CancellationToken cancellationToken);
}

/// <param name="PostgresAdmin">
/// <c>--provider postgres</c>: an Npgsql connection string to an admin database on the server; every portal then gets its
/// own fresh database there (see <see cref="BenchPortal"/>). Null: SQLite files in <paramref name="WorkFolder"/>.
/// </param>
/// <param name="AuditRowsOverride"><c>--audit-rows N</c>: the audit table's size instead of the default (a middle size to check the figures).</param>
public sealed record BenchmarkSettings(bool Quick, string WorkFolder, string? PostgresAdmin = null, int? AuditRowsOverride = null)
{
    public bool OnPostgres => PostgresAdmin is not null;

    /// <summary>Rows in the big audit table: 10,000,000 for the real run (issue 18 §4), small for the smoke run in the test suite.</summary>
    public int AuditRows => AuditRowsOverride ?? (Quick ? 20_000 : 10_000_000);

    public int Repetitions => Quick ? 3 : 20;

    /// <summary>The scenario's machine-readable figures, printed after its table as <c>key: value</c> lines.</summary>
    public List<KeyValuePair<string, string>> KeyLines { get; } = [];

    /// <summary>Detail printed with the scenario's table on the console (e.g. per-sample profiles), not written to the results file.</summary>
    public List<string> Details { get; } = [];

    public void Report(string key, double value, string format = "0.00") =>
        KeyLines.Add(new(key, value.ToString(format, CultureInfo.InvariantCulture)));

    public string KeyLinesText() => string.Concat(KeyLines.Select(l => $"{l.Key}: {l.Value}{Environment.NewLine}"));
}

public static class Measure
{
    public static async Task<List<double>> RepeatAsync(int times, Func<Task> action)
    {
        var samples = new List<double>(times);
        for (var i = 0; i < times; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            await action();
            samples.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        return samples;
    }

    public static double WorkingSetMb()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64 / 1024.0 / 1024.0;
    }

    public static double PeakWorkingSetMb()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.PeakWorkingSet64 / 1024.0 / 1024.0;
    }
}

public static class ResultTable
{
    /// <param name="database">What the portal ran on (e.g. "SQLite", "PostgreSQL 17.6"), shown in the heading line.</param>
    public static string ToMarkdown(IEnumerable<BenchmarkResult> results, bool quick, string database = "SQLite")
    {
        var builder = new StringBuilder();
        builder.AppendLine(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}, {database}{(quick ? " (--quick: small sizes, not for comparison)" : "")}.");
        builder.AppendLine();
        builder.AppendLine("| Scenario | N | Median (ms) | p95 (ms) | Max (ms) | Memory (MB) | Note |");
        builder.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            builder.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {r.N} | {Format(r.Median)} | {Format(r.P95)} | {Format(r.Max)} | {(r.MemoryMb is { } mb ? mb.ToString("0.0", CultureInfo.InvariantCulture) : "")} | {r.Note} |");
        }

        return builder.ToString();
    }

    private static string Format(double value) =>
        double.IsNaN(value) ? "" : value < 10 ? value.ToString("0.000", CultureInfo.InvariantCulture) : value.ToString("0.0", CultureInfo.InvariantCulture);
}
