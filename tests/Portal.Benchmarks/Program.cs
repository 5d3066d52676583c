using Portal.Benchmarks.Scenarios;

namespace Portal.Benchmarks;

/// <summary>Usage: Portal.Benchmarks [--quick] [--scenario NAME] [--out results.md]</summary>
public static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        var quick = args.Contains("--quick");
        var only = ArgValue(args, "--scenario");
        var output = ArgValue(args, "--out");
        IScenario[] scenarios = [new StartupScenario(), new AuditScenario(), new TenantsScenario(), new TokensScenario(), new StatusScenario(), new SweepScenario(), new BrowserScenario(), new CircuitsScenario()];

        var selected = only is null ? scenarios : scenarios.Where(s => s.Name.Equals(only, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (selected.Length == 0)
        {
            Console.Error.WriteLine($"Unknown scenario '{only}'. Known: {string.Join(", ", scenarios.Select(s => s.Name))}");
            return 2;
        }

        var work = Directory.CreateTempSubdirectory("portal-bench-").FullName;
        var results = new List<BenchmarkResult>();
        try
        {
            foreach (var scenario in selected)
            {
                Console.WriteLine($"==> {scenario.Name}");
                var rows = await scenario.RunAsync(new BenchmarkSettings(quick, Path.Combine(work, scenario.Name)), CancellationToken.None);
                results.AddRange(rows);
                Console.WriteLine(ResultTable.ToMarkdown(rows, quick));
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

        var table = ResultTable.ToMarkdown(results, quick);
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
