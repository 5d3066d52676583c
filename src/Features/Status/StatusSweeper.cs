using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Status.Notifications;
using Portal.Features.Tenants;

namespace Portal.Features.Status;

/// <summary>
/// Checks every tenant each interval (first checks spread by a per-tenant jitter), with a global and a per-upstream-host
/// concurrency limit and a per-tenant timeout, stores the results, derives the status and, on a change, audits it,
/// queues notifications and tells open boards.
/// </summary>
public sealed class StatusSweeper(
    IServiceScopeFactory scopes,
    IDbContextFactory<PortalDbContext> dbFactory,
    StatusBroadcaster broadcaster,
    NotificationOutbox outbox,
    Cluster.BackgroundWorkLease lease,
    TimeProvider clock,
    IOptions<StatusOptions> options,
    IOptions<NotificationOptions> notificationOptions,
    ILogger<StatusSweeper> logger) : BackgroundService
{
    public const string AuditActor = "system:status-sweeper";

    public const string NeedsCredentialsDiagnosis = "Needs credentials: no OAuth client secret is stored for this tenant, so it is not checked.";

    public const string NeedsCredentialsFix =
        "Enter the client secret (and REST API key) again and verify them with the set-up wizard. Secrets are removed when the UEM region, token URL or API host changes.";

    private readonly SemaphoreSlim _global = new(options.Value.MaxConcurrency, options.Value.MaxConcurrency);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _perHost = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<int, byte> _inFlight = new();
    private readonly DateTime _startedUtc = clock.GetUtcNow().UtcDateTime;
    private DateTime _lastPruneUtc = DateTime.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SweepEnabled)
        {
            return;
        }

        var tick = TimeSpan.FromSeconds(Math.Min(30, options.Value.IntervalMinutes * 60 / 4.0));
        using var timer = new PeriodicTimer(tick, clock);
        await lease.FirstAttempt.WaitAsync(stoppingToken);
        do
        {
            if (!lease.IsHeld)
            {
                continue; // another instance runs the sweeps; "check now" on this one still works
            }

            await Hosting.BackgroundLoop.RunPassAsync(async token =>
            {
                var due = await DueTenantsAsync(token);
                if (due.Count > 0)
                {
                    await SweepAsync(due, token);
                }

                await PruneIfDueAsync(token);
                if (clock.GetUtcNow().Hour >= notificationOptions.Value.DigestHourUtc)
                {
                    await outbox.EnqueueDailyDigestsAsync(token);
                }
            }, logger, "Status sweep failed; it will run again on the next tick", stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deterministic offset within one interval so tenants do not all refresh in the same second.</summary>
    public static TimeSpan Jitter(int tenantId, TimeSpan interval) =>
        TimeSpan.FromSeconds((uint)(tenantId * 2654435761u) % Math.Max(1, (uint)interval.TotalSeconds));

    private async Task<IReadOnlyList<int>> DueTenantsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var interval = options.Value.Interval;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await (from t in db.Set<Tenant>().AsNoTracking().Where(t => !t.IsArchived)
                          join s in db.Set<TenantStatusSnapshot>() on t.Id equals s.TenantId into g
                          from s in g.DefaultIfEmpty()
                          select new { t.Id, LastChecked = s == null ? null : s.LastCheckedUtc }).ToListAsync(ct);
        return rows.Where(r => r.LastChecked is { } last ? now - last >= interval : now >= _startedUtc + Jitter(r.Id, interval))
            .Select(r => r.Id).ToList();
    }

    /// <summary>Checks the given tenants now (bounded, each with its own timeout) and returns their derived statuses.</summary>
    public async Task<IReadOnlyDictionary<int, ConnectionStatus>> SweepAsync(IReadOnlyCollection<int> tenantIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tenantIds);
        Dictionary<int, string> hosts;
        var ids = tenantIds.Distinct().ToList();
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            hosts = (await db.Set<Tenant>().AsNoTracking().Where(t => ids.Contains(t.Id)).Select(t => new { t.Id, t.UemApiUrl }).ToListAsync(ct))
                .ToDictionary(t => t.Id, t => Uri.TryCreate(t.UemApiUrl, UriKind.Absolute, out var u) ? u.Host : "");
        }

        IReadOnlyDictionary<int, string> setup;
        await using (var scope = scopes.CreateAsyncScope())
        {
            setup = await scope.ServiceProvider.GetRequiredService<ISetupProgress>().StepInProgressByTenantAsync(ids, ct);
        }

        var results = new ConcurrentDictionary<int, ConnectionStatus>();
        var changed = new ConcurrentBag<int>();
        await Task.WhenAll(hosts.Select(async pair =>
        {
            var (tenantId, host) = pair;
            if (!_inFlight.TryAdd(tenantId, 0))
            {
                return; // already being checked: a second concurrent check would double-report the change
            }

            try
            {
                var hostGate = _perHost.GetOrAdd(host, _ => new SemaphoreSlim(options.Value.MaxConcurrencyPerHost, options.Value.MaxConcurrencyPerHost));
                // Host slot first: tenants queued behind a busy host do not hold global slots others could use.
                await hostGate.WaitAsync(ct);
                try
                {
                    await _global.WaitAsync(ct);
                    try
                    {
                        var (status, didChange) = await CheckTenantAsync(tenantId, setup.ContainsKey(tenantId), ct);
                        results[tenantId] = status;
                        if (didChange)
                        {
                            changed.Add(tenantId);
                        }
                    }
                    finally
                    {
                        _global.Release();
                    }
                }
                finally
                {
                    hostGate.Release();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogError(ex, "Status check of tenant {TenantId} failed", tenantId);
            }
            finally
            {
                _inFlight.TryRemove(tenantId, out _);
            }
        }));

        await broadcaster.PublishAsync(results.Keys.ToList());
        return results;
    }

    private async Task<IReadOnlyList<LayerProbeResult>> ProbeWithTimeoutAsync(int tenantId, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(options.Value.TenantTimeoutSeconds);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var probe = scope.ServiceProvider.GetRequiredService<IConnectionProbe>();
        try
        {
            return await probe.ProbeAsync(tenantId, cts.Token).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return [new LayerProbeResult(ConnectionLayer.UemToken, CheckOutcome.RemoteError,
                $"The check did not finish within {options.Value.TenantTimeoutSeconds.ToString(CultureInfo.InvariantCulture)} s.",
                "Check that the UEM API host answers; the next sweep retries.", Stopwatch.GetElapsedTime(started).TotalMilliseconds, "timeout", null)];
        }
    }

    private async Task<(ConnectionStatus Status, bool Changed)> CheckTenantAsync(int tenantId, bool setupInProgress, CancellationToken ct)
    {
        var probed = await ProbeWithTimeoutAsync(tenantId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.Set<Tenant>().AsNoTracking().Include(t => t.Tags).FirstOrDefaultAsync(t => t.Id == tenantId, ct);
        if (tenant is null)
        {
            return (ConnectionStatus.NotConfigured, false);
        }

        var earlier = await StatusQueries.LatestPerLayerAsync(db, [tenantId], 1, ct);
        var fresh = probed.Select(r => new CheckResult
        {
            TenantId = tenantId, Layer = r.Layer, Outcome = r.Outcome, Diagnosis = Truncate(r.Diagnosis, 1000), Fix = r.Fix is null ? null : Truncate(r.Fix, 1000),
            LatencyMs = r.LatencyMs, ErrorCode = r.ErrorCode is null ? null : Truncate(r.ErrorCode, 100), EvidenceJson = r.EvidenceJson, CheckedUtc = now,
        }).ToList();
        db.AddRange(fresh);

        // The newest result of each layer: this check's where it probed the layer, the earlier one elsewhere (saved below with the snapshot).
        var latest = fresh.Concat(earlier.Where(e => fresh.All(f => f.Layer != e.Layer))).ToList();
        var secrets = await db.Set<TenantSecret>().AsNoTracking().Where(s => s.TenantId == tenantId)
            .Select(s => new { s.Kind, s.SecretSetUtc }).ToListAsync(ct);
        var configured = secrets.Any(s => s.Kind == TenantSecretKind.UemClientSecret);
        var status = StatusRules.Derive(configured, setupInProgress, latest.Select(c => new LayerCheck(c.Layer, c.Outcome, c.CheckedUtc)).ToList(), now, options.Value.Interval);
        var worst = latest.OrderByDescending(c => StatusPresentation.Severity(c.Outcome)).ThenBy(c => c.Layer).FirstOrDefault(c => c.Outcome != CheckOutcome.Passed);

        var snapshot = await db.Set<TenantStatusSnapshot>().FirstOrDefaultAsync(s => s.TenantId == tenantId, ct);
        ConnectionStatus? previous = snapshot?.Status;
        if (snapshot is null)
        {
            snapshot = new TenantStatusSnapshot { TenantId = tenantId, Status = status, StatusSinceUtc = now };
            db.Add(snapshot);
        }

        var changed = previous != status;
        if (changed)
        {
            snapshot.Status = status;
            snapshot.StatusSinceUtc = now;
        }

        snapshot.LastCheckedUtc = now;
        // Without a stored client secret (never entered, or removed when the tenant's hosts changed) old failures are beside the point.
        snapshot.Diagnosis = configured ? worst?.Diagnosis : NeedsCredentialsDiagnosis;
        snapshot.Fix = configured ? worst?.Fix : NeedsCredentialsFix;
        await db.SaveChangesAsync(ct);

        var events = new List<NotificationEvent>();
        var tags = tenant.Tags.Select(t => t.Name).ToList();
        if (changed)
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IAuditSink>().WriteAsync(new AuditEvent("status.changed", AuditOutcome.Success, tenantId,
                new Dictionary<string, string?>
                {
                    ["from"] = previous?.ToString() ?? "none",
                    ["to"] = status.ToString(),
                    ["diagnosis"] = worst?.Diagnosis,
                })
            { ActorOverride = AuditActor, TenantName = tenant.DisplayName }, ct);

            if (NotificationRules.Classify(previous, status) is { } kind)
            {
                var (subject, body) = NotificationRules.StatusMessage(kind, tenant.DisplayName, previous, status, worst?.Diagnosis, worst?.Fix, Link(tenantId));
                events.Add(new NotificationEvent(kind, tenantId, tenant.DisplayName, tags, NotificationRules.StatusChangeKey(tenantId, status, now), subject, body));
            }
        }

        foreach (var secret in secrets)
        {
            var assessment = RotationPolicy.Assess(secret.SecretSetUtc, now, options.Value.RotationPolicyDays);
            if (assessment.WarningThreshold is { } threshold)
            {
                var label = TenantEditModel.SecretLabel(secret.Kind);
                var subject = assessment.IsOverdue
                    ? $"[Connector Portal] {tenant.DisplayName}: {label} rotation is overdue"
                    : $"[Connector Portal] {tenant.DisplayName}: {label} rotation due in {assessment.DaysUntilDue} days";
                var body = $"Tenant: {tenant.DisplayName}\n{label} was set {assessment.AgeDays} days ago; the policy is {options.Value.RotationPolicyDays} days.\nRotate it with the setup wizard." +
                           (Link(tenantId) is { } l ? $"\nDetails: {l}" : "");
                events.Add(new NotificationEvent(NotificationEventKind.RotationDue, tenantId, tenant.DisplayName, tags,
                    NotificationRules.RotationKey(tenantId, secret.Kind.ToString(), secret.SecretSetUtc, threshold), subject, body));
            }
        }

        if (configured && AttestationRules.Assess(snapshot.LastAttestedUtc ?? tenant.CreatedUtc, now, options.Value.AttestationOverdueDays) == AttestationRules.State.Overdue)
        {
            events.Add(new NotificationEvent(NotificationEventKind.AttestationOverdue, tenantId, tenant.DisplayName, tags,
                NotificationRules.AttestationKey(tenantId, snapshot.LastAttestedUtc),
                $"[Connector Portal] {tenant.DisplayName}: connection review overdue",
                $"Tenant: {tenant.DisplayName}\nNo team lead has reviewed this connection for {options.Value.AttestationOverdueDays} days." + (Link(tenantId) is { } l2 ? $"\nDetails: {l2}" : "")));
        }

        await outbox.EnqueueAsync(events, ct);
        return (status, changed);
    }

    private string? Link(int tenantId) => notificationOptions.Value.PortalBaseUrl is { Length: > 0 } baseUrl
        ? $"{baseUrl.TrimEnd('/')}/status/{tenantId.ToString(CultureInfo.InvariantCulture)}"
        : null;

    private async Task PruneIfDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (now - _lastPruneUtc < TimeSpan.FromHours(24))
        {
            return;
        }

        _lastPruneUtc = now;
        var removed = await PruneAsync(ct);
        if (removed > 0)
        {
            logger.LogInformation("Status history pruned {Removed} check results", removed);
        }
    }

    /// <summary>
    /// Deletes check results and finished deliveries older than the retention period; returns how many check results.
    /// A pruned "overdue" delivery key lets that reminder go out again, once per retention period.
    /// </summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-options.Value.RetentionDays);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Set<NotificationDelivery>().Where(d => d.CreatedUtc < cutoff && (d.State == DeliveryState.Sent || d.State == DeliveryState.GaveUp)).ExecuteDeleteAsync(ct);
        return await db.Set<CheckResult>().Where(c => c.CheckedUtc < cutoff).ExecuteDeleteAsync(ct);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    public override void Dispose()
    {
        _global.Dispose();
        foreach (var gate in _perHost.Values)
        {
            gate.Dispose();
        }

        base.Dispose();
    }
}
