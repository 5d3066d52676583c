namespace Portal.Simulator;

/// <summary>
/// Caps on the simulator's in-memory state, so a long-running demo portal (or a caller looping on its open endpoints)
/// cannot grow it without end. The defaults are far above what demos, tests and benchmarks use.
/// </summary>
public sealed record SimulatorLimits
{
    /// <summary>Text of the request-log key that counts requests to paths seen after <see cref="MaxRequestLogPaths"/>.</summary>
    public const string OtherPathsKey = "(other paths)";

    public static SimulatorLimits Default { get; } = new();

    /// <summary>Issued tokens kept; past it the earliest-expiring are dropped.</summary>
    public int MaxTokens { get; init; } = 100_000;

    /// <summary>
    /// How long an expired token is still recognised (so it answers "expired", 1029, as UEM does, not "unknown").
    /// Older ones are dropped when tokens are issued.
    /// </summary>
    public TimeSpan ExpiredTokenRetention { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Distinct "METHOD /path" keys in the request log; later paths are counted under <see cref="OtherPathsKey"/>.</summary>
    public int MaxRequestLogPaths { get; init; } = 2_000;

    /// <summary>Requests whose shape is kept for contract tests (the newest).</summary>
    public int MaxRecentRequests { get; init; } = 500;

    /// <summary>OAuth clients per tenant; the sweep benchmark creates one per portal tenant (1,000+) in the demo tenant.</summary>
    public int MaxClientsPerTenant { get; init; } = 20_000;

    /// <summary>Device commands kept per tenant (the newest).</summary>
    public int MaxCommandsPerTenant { get; init; } = 1_000;

    /// <summary>Injected faults held at once; more are refused.</summary>
    public int MaxFaults { get; init; } = 1_000;

    /// <summary>Devices per tenant, seeded and generated (<see cref="SimulatorState.AddGeneratedDevices"/>).</summary>
    public int MaxDevicesPerTenant { get; init; } = 100_000;

    /// <summary>
    /// UEM REST API calls a tenant may make per <see cref="UemApiRateWindow"/>, reported in the <c>X-RateLimit-*</c>
    /// headers of every REST response; a tenant can be given its own (<see cref="SimulatorState.SetApiRateLimit"/>).
    /// Omnissa publishes no number, so the default is far above anything demos and benchmarks send.
    /// </summary>
    public int UemApiCallsPerWindow { get; init; } = 100_000;

    /// <summary>The fixed window the call count restarts in (whole seconds, aligned to the Unix epoch).</summary>
    public TimeSpan UemApiRateWindow { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>A simulator limit (<see cref="SimulatorLimits"/>) refused the change; the message says which and what to do.</summary>
public sealed class SimulatorLimitExceededException : InvalidOperationException
{
    public SimulatorLimitExceededException()
    {
    }

    public SimulatorLimitExceededException(string message)
        : base(message)
    {
    }

    public SimulatorLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
