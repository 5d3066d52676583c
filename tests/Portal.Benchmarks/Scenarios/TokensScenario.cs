using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Portal.Integrations;
using Portal.Integrations.Uem;
using Portal.Simulator;
using Portal.Tests.Shared;

namespace Portal.Benchmarks.Scenarios;

/// <summary>
/// Token cache single-flight: 200 concurrent callers of <see cref="UemTokenProvider.GetTokenAsync"/> for one connection
/// against the in-process simulator must cause exactly one token request. Throws otherwise, so the quick run in the
/// test suite fails on a regression.
/// </summary>
public sealed class TokensScenario : IScenario
{
    private const int Callers = 200;

    public string Name => "tokens";

    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.WorkFolder);
        await using var simulator = await SimulatorProgram.StartAsync(cancellationToken: cancellationToken);
        await using var portal = new BenchPortal(settings.WorkFolder); // the portal's real DI graph: token cache, HTTP pipeline
        var connection = SimulatorConnections.DemoUem(simulator.BaseUri);
        var provider = portal.Services.GetRequiredService<UemTokenProvider>();

        // Warm-up (JIT, HTTP connection pool), then empty the cache before each measured round.
        var warm = await provider.GetTokenAsync(connection, cancellationToken);
        var samples = new List<double>();
        var requestCounts = new List<int>();
        for (var round = 0; round < settings.Repetitions; round++)
        {
            provider.Invalidate(connection, warm);
            simulator.State.ClearRequestLog();
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var callers = Enumerable.Range(0, Callers)
                .Select(_ => Task.Run(async () =>
                {
                    await gate.Task; // release all callers at once, without blocking pool threads
                    return await provider.GetTokenAsync(connection, cancellationToken);
                }, cancellationToken))
                .ToArray();
            var watch = Stopwatch.StartNew();
            gate.SetResult();
            var tokens = await Task.WhenAll(callers);
            samples.Add(watch.Elapsed.TotalMilliseconds);
            var requests = simulator.State.CountRequests("/connect/token");
            requestCounts.Add(requests);
            if (requests != 1 || tokens.Distinct().Count() != 1)
            {
                throw new InvalidOperationException(
                    $"Token single-flight regression: {Callers} concurrent callers caused {requests} token requests and {tokens.Distinct().Count()} distinct tokens (expected 1).");
            }

            warm = tokens[0];
        }

        return
        [
            new BenchmarkResult($"Token cache: {Callers} concurrent callers, one connection", Callers.ToString(CultureInfo.InvariantCulture), samples, null,
                string.Create(CultureInfo.InvariantCulture, $"token requests seen by the simulator: {string.Join("/", requestCounts.Distinct())} per round ({samples.Count} rounds)")),
        ];
    }
}
