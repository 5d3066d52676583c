using System.Diagnostics;
using System.Text.Json;
using Portal.Features.Tenants;
using Portal.Integrations;
using Portal.Integrations.Intelligence;
using Portal.Integrations.Uem;
using IntegrationCheck = Portal.Integrations.DiagnosedCheck;

namespace Portal.Features.Status;

/// <summary>
/// The sweep's real probe: the same layered checks as the wizard, over the typed clients (cached tokens: at most
/// one token request per tenant per token lifetime), reduced to one result per board layer.
/// </summary>
public sealed class WorkspaceOneConnectionProbe(
    TenantSecretsService secrets,
    UemConnectionVerifier uemVerifier,
    IntelligenceConnectionVerifier intelligenceVerifier) : IConnectionProbe
{
    /// <summary>A passing layer slower than this counts as degraded.</summary>
    public static readonly TimeSpan SlowThreshold = TimeSpan.FromSeconds(5);

    public const string JobName = "status-sweep";

    public async Task<IReadOnlyList<LayerProbeResult>> ProbeAsync(int tenantId, CancellationToken ct) =>
        await ProbeAsync(await secrets.GetForBackgroundJobAsync(tenantId, JobName, ct), ct);

    public async Task<IReadOnlyList<LayerProbeResult>> ProbeAsync(ProbeTarget target, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        return await ProbeAsync(await secrets.GetForBackgroundJobAsync(target.Tenant, target.Secrets, JobName, ct), ct);
    }

    private async Task<IReadOnlyList<LayerProbeResult>> ProbeAsync(TenantApiCredentials? credentials, CancellationToken ct)
    {
        if (credentials?.UemConnection() is not { } connection)
        {
            return []; // not configured (or secrets unreadable): nothing to probe
        }

        var results = new List<LayerProbeResult>();
        var watch = Stopwatch.StartNew();
        var checks = await uemVerifier.VerifyAsync(connection, new UemVerifyOptions(IncludeDeviceSearch: true), ct);
        var uemLatency = watch.Elapsed.TotalMilliseconds;
        results.AddRange(MapUem(checks, uemLatency));

        if (credentials.IntelligenceConnection() is { } intelligenceConnection)
        {
            watch.Restart();
            var intelligence = await intelligenceVerifier.VerifyAsync(intelligenceConnection, ct);
            var failure = intelligence.FirstOrDefault(c => !c.Ok);
            results.Add(ToResult(ConnectionLayer.Intelligence, failure ?? (intelligence.Count > 0 ? intelligence[^1] : null), watch.Elapsed.TotalMilliseconds));
        }

        return results;
    }

    /// <summary>UEM checks → board layers: token; API and role (system info, OG, device search); API key listing.</summary>
    private static IEnumerable<LayerProbeResult> MapUem(IReadOnlyList<IntegrationCheck> checks, double latencyMs)
    {
        static ConnectionLayer? LayerOf(IntegrationCheck check) => UemChecks.Of(check) switch
        {
            UemCheck.Token => ConnectionLayer.UemToken,
            UemCheck.SystemInfo or UemCheck.OrganizationGroup or UemCheck.DeviceSearch => ConnectionLayer.UemApi,
            UemCheck.ApiKeys => ConnectionLayer.ApiKey,
            _ => null,
        };

        var byLayer = checks.Where(c => LayerOf(c) is not null).GroupBy(c => LayerOf(c)!.Value).ToDictionary(g => g.Key, g => g.ToList());
        var blocking = checks.FirstOrDefault(c => !c.Ok && !c.IsWarning);
        foreach (var layer in (ConnectionLayer[])[ConnectionLayer.UemToken, ConnectionLayer.UemApi, ConnectionLayer.ApiKey])
        {
            if (byLayer.TryGetValue(layer, out var layerChecks))
            {
                yield return ToResult(layer, layerChecks.FirstOrDefault(c => !c.Ok) ?? layerChecks[^1], latencyMs);
            }
            else if (blocking is not null)
            {
                // An earlier layer failed, so this one could not be reached: it shares that outcome.
                yield return new LayerProbeResult(layer, OutcomeOf(blocking), $"Not checked: {blocking.Check} failed first.", blocking.Fix, latencyMs, blocking.Evidence?.ErrorCode, null);
            }
        }
    }

    private static LayerProbeResult ToResult(ConnectionLayer layer, IntegrationCheck? check, double latencyMs)
    {
        if (check is null)
        {
            return new LayerProbeResult(layer, CheckOutcome.Failed, "No result.", null, latencyMs, null, null);
        }

        var outcome = check.Ok ? (latencyMs > SlowThreshold.TotalMilliseconds ? CheckOutcome.Slow : CheckOutcome.Passed) : OutcomeOf(check);
        var evidence = check.Evidence is { } e
            ? JsonSerializer.Serialize(new { e.StatusCode, e.ErrorCode, e.ActivityId, e.Host, e.Operation, e.RetryAt, cause = check.Cause?.ToString() })
            : null;
        return new LayerProbeResult(layer, outcome, check.Summary, check.Fix, latencyMs, check.Evidence?.ErrorCode ?? check.Cause?.ToString(), evidence);
    }

    private static CheckOutcome OutcomeOf(IntegrationCheck check) => check.Cause switch
    {
        FailureCause.InvalidClient or FailureCause.TokenRejected or FailureCause.WrongRegionToken or FailureCause.TokenRequestRejected => CheckOutcome.CredentialsRejected,
        FailureCause.RateLimited or FailureCause.HostTemporarilyBlocked => CheckOutcome.Throttled,
        FailureCause.ServerError or FailureCause.Timeout => CheckOutcome.RemoteError,
        _ => CheckOutcome.Failed,
    };
}
