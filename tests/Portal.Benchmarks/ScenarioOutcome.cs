using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Benchmarks;

/// <summary>What one scenario reported: its rows and its <c>key: value</c> lines, passed from its own process back to the run.</summary>
public sealed record ScenarioOutcome(List<BenchmarkResult> Rows, List<KeyValuePair<string, string>> KeyLines)
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static string KeyLinesText(IEnumerable<KeyValuePair<string, string>> keyLines) =>
        string.Concat(keyLines.Select(l => $"{l.Key}: {l.Value}{Environment.NewLine}"));

    /// <summary>Runs this harness again for one scenario, with the run's options; its console output goes straight to this one's.</summary>
    public static async Task<ScenarioOutcome> RunInOwnProcessAsync(string scenario, IEnumerable<string> options, string outcomeFile)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(typeof(ScenarioOutcome).Assembly.Location);
        foreach (var argument in (string[])["--scenario", scenario, "--outcome", outcomeFile, .. options])
        {
            start.ArgumentList.Add(argument);
        }

        using var child = Process.Start(start)!;
        await child.WaitForExitAsync();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"Scenario '{scenario}' failed in its own process (exit code {child.ExitCode}); its output is above.");
        }

        return JsonSerializer.Deserialize<ScenarioOutcome>(await File.ReadAllTextAsync(outcomeFile), Json)
            ?? throw new InvalidOperationException($"Scenario '{scenario}' wrote no outcome to {outcomeFile}.");
    }

    public static Task WriteAsync(string file, ScenarioOutcome outcome) => File.WriteAllTextAsync(file, JsonSerializer.Serialize(outcome, Json));
}
