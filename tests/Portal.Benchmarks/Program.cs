using Portal.Benchmarks.Scenarios;

namespace Portal.Benchmarks;

/// <summary>
/// Usage: Portal.Benchmarks [--quick] [--scenario NAME] [--out results.md] [--provider sqlite|postgres] [--postgres "CONNECTION STRING"] [--audit-rows N]
/// </summary>
/// <remarks>
/// Every scenario of a run with several runs in a process of its own (this harness again, with <c>--scenario NAME</c>), so
/// what one scenario leaves on the heap (pooled buffers, caches, hosts still shutting down) cannot drain away while the
/// next one measures memory.
/// </remarks>
/// <remarks>
/// <c>--provider postgres</c> runs the portal on PostgreSQL: <c>--postgres</c> (or the environment variable
/// <c>PORTAL_BENCH_POSTGRES</c>) is an Npgsql connection string to an admin database on a server where the user may create
/// databases; each portal gets a fresh one, dropped afterwards. Scenarios that only make sense on SQLite are skipped.
/// </remarks>
public static class BenchmarkProgram
{
    public const string PostgresEnvironmentVariable = "PORTAL_BENCH_POSTGRES";

    /// <summary>Where a scenario run in its own process writes its rows, key lines and details for the run that started it.</summary>
    private const string OutcomeOption = "--outcome";

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
        var keyLines = new List<KeyValuePair<string, string>>();
        var outcomeFile = ArgValue(args, OutcomeOption);
        try
        {
            foreach (var scenario in selected)
            {
                if (postgres is not null && !scenario.SupportsPostgres)
                {
                    Console.WriteLine($"==> {scenario.Name}: sqlite only, skipped");
                    continue;
                }

                if (selected.Length > 1)
                {
                    // The scenario's own process prints its table, details and key lines itself.
                    var outcome = await ScenarioOutcome.RunInOwnProcessAsync(scenario.Name, ChildArguments(args), Path.Combine(work, scenario.Name + ".json"));
                    results.AddRange(outcome.Rows);
                    keyLines.AddRange(outcome.KeyLines);
                    continue;
                }

                Console.WriteLine($"==> {scenario.Name}");
                var settings = new BenchmarkSettings(quick, Path.Combine(work, scenario.Name), postgres, auditRows);
                var rows = await scenario.RunAsync(settings, CancellationToken.None);
                results.AddRange(rows);
                Console.WriteLine(ResultTable.ToMarkdown(rows, quick, database));
                settings.Details.ForEach(Console.WriteLine);
                Console.Write(settings.KeyLinesText());
                keyLines.AddRange(settings.KeyLines);
            }

            if (outcomeFile is not null)
            {
                await ScenarioOutcome.WriteAsync(outcomeFile, new ScenarioOutcome(results, keyLines));
                return 0;
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

        var table = ResultTable.ToMarkdown(results, quick, database) + Environment.NewLine + ScenarioOutcome.KeyLinesText(keyLines);
        Console.WriteLine();
        Console.WriteLine(table);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, table);
            Console.WriteLine($"Written to {output}");
        }

        return 0;
    }

    /// <summary>This run's options for a scenario's own process: everything but which scenarios to run and where to write.</summary>
    private static List<string> ChildArguments(string[] args)
    {
        var result = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--scenario" or "--out" or OutcomeOption)
            {
                i++; // and its value
                continue;
            }

            result.Add(args[i]);
        }

        return result;
    }

    private static string? ArgValue(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
