using Portal.Benchmarks.Scenarios;

namespace Portal.Benchmarks;

/// <summary>
/// Usage: Portal.Benchmarks [--quick] [--scenario NAME] [--out results.md] [--provider sqlite|postgres] [--postgres "CONNECTION STRING"] [--audit-rows N]
/// </summary>
/// <remarks>
/// <c>--provider postgres</c> runs the portal on PostgreSQL: <c>--postgres</c> (or the environment variable
/// <c>PORTAL_BENCH_POSTGRES</c>) is an Npgsql connection string to an admin database on a server where the user may create
/// databases; each portal gets a fresh one, dropped afterwards. Scenarios that only make sense on SQLite are skipped.
/// </remarks>
public static class BenchmarkProgram
{
    public const string PostgresEnvironmentVariable = "PORTAL_BENCH_POSTGRES";

    public static async Task<int> Main(string[] args)
    {
        var quick = args.Contains("--quick");
        var only = ArgValue(args, "--scenario");
        var output = ArgValue(args, "--out");
        var provider = ArgValue(args, "--provider") ?? "sqlite";
        int? auditRows = null;
        if (ArgValue(args, "--audit-rows") is { } auditRowsText)
        {
            if (!int.TryParse(auditRowsText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) || parsed < 1000)
            {
                Console.Error.WriteLine($"--audit-rows '{auditRowsText}' is not a whole number of at least 1000 (e.g. --audit-rows 1000000).");
                return 2;
            }

            auditRows = parsed;
        }

        string? postgres = null;
        if (provider.Equals("postgres", StringComparison.OrdinalIgnoreCase) || provider.Equals("postgresql", StringComparison.OrdinalIgnoreCase))
        {
            postgres = ArgValue(args, "--postgres") ?? Environment.GetEnvironmentVariable(PostgresEnvironmentVariable);
            if (string.IsNullOrWhiteSpace(postgres))
            {
                Console.Error.WriteLine($"--provider postgres needs the server: --postgres \"Host=...;Username=...;Password=...;Database=postgres\" or {PostgresEnvironmentVariable}.");
                return 2;
            }
        }
        else if (!provider.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            Console.Error.WriteLine($"Unknown provider '{provider}'. Known: sqlite (default), postgres.");
            return 2;
        }

        IScenario[] scenarios = [new StartupScenario(), new AuditScenario(), new TenantsScenario(), new TokensScenario(), new StatusScenario(), new SweepScenario(), new ScaleScenario(), new BrowserScenario(), new CircuitsScenario()];

        var selected = only is null ? scenarios : scenarios.Where(s => s.Name.Equals(only, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (selected.Length == 0)
        {
            Console.Error.WriteLine($"Unknown scenario '{only}'. Known: {string.Join(", ", scenarios.Select(s => s.Name))}");
            return 2;
        }

        if (postgres is not null && !selected.Any(s => s.SupportsPostgres))
        {
            Console.Error.WriteLine($"Scenario '{only}' is sqlite only. On PostgreSQL: {string.Join(", ", scenarios.Where(s => s.SupportsPostgres).Select(s => s.Name))}");
            return 2;
        }

        var database = postgres is null ? "SQLite" : await BenchPostgres.DescribeServerAsync(postgres);
        var work = Directory.CreateTempSubdirectory("portal-bench-").FullName;
        var results = new List<BenchmarkResult>();
        var keyLines = new System.Text.StringBuilder();
        try
        {
            foreach (var scenario in selected)
            {
                if (postgres is not null && !scenario.SupportsPostgres)
                {
                    Console.WriteLine($"==> {scenario.Name}: sqlite only, skipped");
                    continue;
                }

                Console.WriteLine($"==> {scenario.Name}");
                var settings = new BenchmarkSettings(quick, Path.Combine(work, scenario.Name), postgres, auditRows);
                var rows = await scenario.RunAsync(settings, CancellationToken.None);
                results.AddRange(rows);
                Console.WriteLine(ResultTable.ToMarkdown(rows, quick, database));
                settings.Details.ForEach(Console.WriteLine);
                Console.Write(settings.KeyLinesText());
                keyLines.Append(settings.KeyLinesText());
            }
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // Temp files are harmless.
            }
        }

        var table = ResultTable.ToMarkdown(results, quick, database) + Environment.NewLine + keyLines;
        Console.WriteLine();
        Console.WriteLine(table);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, table);
            Console.WriteLine($"Written to {output}");
        }

        return 0;
    }

    private static string? ArgValue(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
