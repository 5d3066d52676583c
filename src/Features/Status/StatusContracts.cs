namespace Portal.Features.Status;

/// <summary>Checks one tenant's connection layers against the remote side (<see cref="WorkspaceOneConnectionProbe"/>).</summary>
public interface IConnectionProbe
{
    Task<IReadOnlyList<LayerProbeResult>> ProbeAsync(int tenantId, CancellationToken ct);

    /// <summary>The sweep's call: the tenant and its secret rows were read with the rest of the sweep, so need not be read again.</summary>
    Task<IReadOnlyList<LayerProbeResult>> ProbeAsync(ProbeTarget target, CancellationToken ct) => ProbeAsync(target.Tenant.Id, ct);
}

/// <summary>A tenant to probe, with its stored secret rows (still encrypted), as the sweep loaded them.</summary>
public sealed record ProbeTarget(Tenants.Tenant Tenant, IReadOnlyList<Tenants.TenantSecret> Secrets);

/// <summary>What one probe of one layer found. <paramref name="EvidenceJson"/> must never contain a secret.</summary>
public sealed record LayerProbeResult(
    ConnectionLayer Layer,
    CheckOutcome Outcome,
    string Diagnosis,
    string? Fix,
    double LatencyMs,
    string? ErrorCode,
    string? EvidenceJson);

/// <summary>Which of the given tenants have an unfinished setup run (tenant id → step name); implemented by the setup feature.</summary>
public interface ISetupProgress
{
    Task<IReadOnlyDictionary<int, string>> StepInProgressByTenantAsync(IReadOnlyCollection<int> tenantIds, CancellationToken ct);
}

/// <summary>Used when the setup feature is not registered (e.g. component tests of the board): no run in progress.</summary>
public sealed class NoSetupProgress : ISetupProgress
{
    public Task<IReadOnlyDictionary<int, string>> StepInProgressByTenantAsync(IReadOnlyCollection<int> tenantIds, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<int, string>>(new Dictionary<int, string>());
}
