namespace Portal.Features.Status;

/// <summary>
/// Checks one tenant's connection layers against the remote side. The real UEM/Intelligence implementation lands
/// with the API clients; until then <see cref="NotConnectedProbe"/> is registered (with TryAdd so it is replaced).
/// </summary>
public interface IConnectionProbe
{
    Task<IReadOnlyList<LayerProbeResult>> ProbeAsync(int tenantId, CancellationToken ct);
}

/// <summary>What one probe of one layer found. <paramref name="EvidenceJson"/> must never contain a secret.</summary>
public sealed record LayerProbeResult(
    ConnectionLayer Layer,
    CheckOutcome Outcome,
    string Diagnosis,
    string? Fix,
    double LatencyMs,
    string? ErrorCode,
    string? EvidenceJson);

/// <summary>Placeholder until the API clients are merged: probes nothing, so configured tenants show "Not checked recently".</summary>
public sealed class NotConnectedProbe : IConnectionProbe
{
    public Task<IReadOnlyList<LayerProbeResult>> ProbeAsync(int tenantId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<LayerProbeResult>>([]);
}

/// <summary>Which tenants have an unfinished setup run (tenant id → step name). The setup wizard replaces the default.</summary>
public interface ISetupProgress
{
    Task<IReadOnlyDictionary<int, string>> StepInProgressByTenantAsync(CancellationToken ct);
}

public sealed class NoSetupProgress : ISetupProgress
{
    public Task<IReadOnlyDictionary<int, string>> StepInProgressByTenantAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<int, string>>(new Dictionary<int, string>());
}
