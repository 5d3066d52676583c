using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
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
    ILogger<StatusSweeper> logger,
    Telemetry.PortalMetrics? metrics = null) : BackgroundService
{
    public const string AuditActor = "system:status-sweeper";

    public const string NeedsCredentialsDiagnosis = "Needs credentials: no OAuth client secret is stored for this tenant, so it is not checked.";

    public const string NeedsCredentialsFix =
        "Enter the client secret (and REST API key) again and verify them with the set-up wizard. Secrets are removed when the UEM region, token URL or API host changes.";

    private readonly SemaphoreSlim _global = new(options.Value.MaxConcurrency, options.Value.MaxConcurrency);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _perHost = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Tenants being checked, each with the sweep that holds it (so a sweep only releases its own).</summary>
    private readonly ConcurrentDictionary<int, object> _inFlight = new();
    private readonly DateTime _startedUtc = clock.GetUtcNow().UtcDateTime;
    private DateTime _lastPruneUtc = DateTime.MinValue;
    private long _lastPassTicks;

    /// <summary>When this instance started sweeping (the health check's reference before the first pass).</summary>
    public DateTime StartedUtc => _startedUtc;

    /// <summary>When the timer's last sweep pass finished without error; null before the first. Read by the background-work health check.</summary>
    public DateTime? LastPassCompletedUtc => Interlocked.Read(ref _lastPassTicks) is > 0 and var ticks ? new DateTime(ticks, DateTimeKind.Utc) : null;

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

            var completed = await Hosting.BackgroundLoop.RunPassAsync(async token =>
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
            if (completed)
            {
                Interlocked.Exchange(ref _lastPassTicks, clock.GetUtcNow().UtcDateTime.Ticks);
            }
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

    /// <summary>
    /// Checks the given tenants now (bounded, each with its own timeout) and returns their derived statuses. The sweep
    /// reads its tenants, secrets, earlier results and set-up progress once, up front; results are written by one writer
    /// in batches of whatever has arrived, so the database work per sweep does not grow per tenant.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, ConnectionStatus>> SweepAsync(IReadOnlyCollection<int> tenantIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tenantIds);
        var sweep = new object();
        var started = clock.GetTimestamp();
        var ids = tenantIds.Distinct().Where(id => _inFlight.TryAdd(id, sweep)).ToList(); // one already being checked would double-report its change
        var results = new ConcurrentDictionary<int, ConnectionStatus>();
        try
        {
            if (ids.Count > 0)
            {
                var inputs = await LoadInputsAsync(ids, ct);
                var probed = Channel.CreateUnbounded<ProbedTenant>(new UnboundedChannelOptions { SingleReader = true });
                var writer = WriteResultsAsync(probed.Reader, results, id => _inFlight.TryRemove(new KeyValuePair<int, object>(id, sweep)), ct);
                try
                {
                    await Task.WhenAll(inputs.Select(input => ProbeGatedAsync(input, probed.Writer, ct)));
                }
                finally
                {
                    probed.Writer.Complete();
                    await writer;
                }
            }
        }
        finally
        {
            foreach (var id in ids)
            {
                _inFlight.TryRemove(new KeyValuePair<int, object>(id, sweep));
            }
        }

        if (ids.Count > 0)
        {
            metrics?.RecordSweep(clock.GetElapsedTime(started));
        }

        await broadcaster.PublishAsync(results.Keys.ToList());
        return results;
    }

    /// <summary>What a check needs besides the probe, read for the whole sweep in a fixed number of queries.</summary>
    private sealed record SweepInput(Tenant Tenant, IReadOnlyList<TenantSecret> Secrets, IReadOnlyList<CheckResult> Earlier, bool SetupInProgress, string Host);

    private sealed record ProbedTenant(SweepInput Input, IReadOnlyList<LayerProbeResult> Results);

    private async Task<List<SweepInput>> LoadInputsAsync(List<int> ids, CancellationToken ct)
    {
        List<Tenant> tenants;
        ILookup<int, TenantSecret> secrets;
        ILookup<int, CheckResult> earlier;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            tenants = await db.Set<Tenant>().AsNoTracking().Include(t => t.Tags).Where(t => ids.Contains(t.Id)).ToListAsync(ct);
            secrets = (await db.Set<TenantSecret>().AsNoTracking().Where(s => ids.Contains(s.TenantId)).ToListAsync(ct)).ToLookup(s => s.TenantId);
            earlier = (await StatusQueries.LatestPerLayerAsync(db, ids, 1, ct)).ToLookup(c => c.TenantId);
        }

        IReadOnlyDictionary<int, string> setup;
        await using (var scope = scopes.CreateAsyncScope())
        {
            setup = await scope.ServiceProvider.GetRequiredService<ISetupProgress>().StepInProgressByTenantAsync(ids, ct);
        }

        return tenants.Select(t => new SweepInput(t, [.. secrets[t.Id]], [.. earlier[t.Id]], setup.ContainsKey(t.Id),
            Uri.TryCreate(t.UemApiUrl, UriKind.Absolute, out var u) ? u.Host : "")).ToList();
    }

    private async Task ProbeGatedAsync(SweepInput input, ChannelWriter<ProbedTenant> probed, CancellationToken ct)
    {
        try
        {
            var hostGate = _perHost.GetOrAdd(input.Host, _ => new SemaphoreSlim(options.Value.MaxConcurrencyPerHost, options.Value.MaxConcurrencyPerHost));
            // Host slot first: tenants queued behind a busy host do not hold global slots others could use.
            await hostGate.WaitAsync(ct);
            try
            {
                await _global.WaitAsync(ct);
                try
                {
                    probed.TryWrite(new ProbedTenant(input, await ProbeWithTimeoutAsync(input, ct)));
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
            logger.LogError(ex, "Status check of tenant {TenantId} failed", input.Tenant.Id);
        }
    }

    private async Task<IReadOnlyList<LayerProbeResult>> ProbeWithTimeoutAsync(SweepInput input, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(options.Value.TenantTimeoutSeconds);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var probe = scope.ServiceProvider.GetRequiredService<IConnectionProbe>();
        try
        {
            return await probe.ProbeAsync(new ProbeTarget(input.Tenant, input.Secrets), cts.Token).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return [new LayerProbeResult(ConnectionLayer.UemToken, CheckOutcome.RemoteError,
                $"The check did not finish within {options.Value.TenantTimeoutSeconds.ToString(CultureInfo.InvariantCulture)} s.",
                "Check that the UEM API host answers; the next sweep retries.", Stopwatch.GetElapsedTime(started).TotalMilliseconds, "timeout", null)];
        }
    }

    /// <summary>
    /// The sweep's one writer: takes whatever probes have finished (up to <see cref="WriteBatchSize"/>) and stores them
    /// together; a batch that fails is retried tenant by tenant, so one bad row does not lose the others.
    /// </summary>
    private async Task WriteResultsAsync(ChannelReader<ProbedTenant> probed, ConcurrentDictionary<int, ConnectionStatus> results, Action<int> release, CancellationToken ct)
    {
        var batch = new List<ProbedTenant>(WriteBatchSize);
        while (await WaitToReadAsync(probed, ct))
        {
            await FillBatchAsync(probed, batch, ct);

            try
            {
                await StoreAsync(batch, results, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Storing a batch of {Count} status checks failed; storing them one by one", batch.Count);
                foreach (var one in batch)
                {
                    try
                    {
                        await StoreAsync([one], results, ct);
                    }
                    catch (Exception oneEx) when (oneEx is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        logger.LogError(oneEx, "Status check of tenant {TenantId} failed", one.Input.Tenant.Id);
                    }
                }
            }

            // Stored (or given up): a "check now" may check these tenants again while the rest of the sweep runs.
            foreach (var done in batch)
            {
                release(done.Input.Tenant.Id);
            }

            batch.Clear();
        }
    }

    /// <summary>Waits for the next probe; a cancelled sweep stops writing (the probes stop too).</summary>
    private static async Task<bool> WaitToReadAsync(ChannelReader<ProbedTenant> probed, CancellationToken ct)
    {
        try
        {
            return await probed.WaitToReadAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private const int WriteBatchSize = 100;

    /// <summary>How long a batch waits for more finished probes; real time, as it only groups work.</summary>
    private static readonly TimeSpan FlushWindow = TimeSpan.FromMilliseconds(250);

    /// <summary>Takes what has arrived and what arrives within <see cref="FlushWindow"/>, up to a full batch or the sweep's end.</summary>
    private static async Task FillBatchAsync(ChannelReader<ProbedTenant> probed, List<ProbedTenant> batch, CancellationToken ct)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(ct);
        window.CancelAfter(FlushWindow);
        while (batch.Count < WriteBatchSize)
        {
            if (probed.TryRead(out var item))
            {
                batch.Add(item);
                continue;
            }

            try
            {
                if (!await probed.WaitToReadAsync(window.Token))
                {
                    return; // every probe of the sweep is in
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return; // the window is over: write what there is
            }
        }
    }

    /// <summary>Stores the checks of a batch in one save, then audits the changes and queues their notifications.</summary>
    private async Task StoreAsync(IReadOnlyList<ProbedTenant> batch, ConcurrentDictionary<int, ConnectionStatus> results, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var changes = new List<(SweepInput Input, ConnectionStatus? Previous, ConnectionStatus Status, CheckResult? Worst)>();
        var statuses = new Dictionary<int, ConnectionStatus>();
        var events = new List<NotificationEvent>();
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var ids = batch.Select(b => b.Input.Tenant.Id).ToList();
            // Read at write time (not with the sweep's inputs), so a review recorded meanwhile is neither lost nor overwritten.
            var snapshots = await db.Set<TenantStatusSnapshot>().Where(s => ids.Contains(s.TenantId)).ToDictionaryAsync(s => s.TenantId, ct);
            foreach (var (input, probed) in batch)
            {
                var tenantId = input.Tenant.Id;
                var fresh = probed.Select(r => new CheckResult
                {
                    TenantId = tenantId, Layer = r.Layer, Outcome = r.Outcome, Diagnosis = Truncate(r.Diagnosis, 1000), Fix = r.Fix is null ? null : Truncate(r.Fix, 1000),
                    LatencyMs = r.LatencyMs, ErrorCode = r.ErrorCode is null ? null : Truncate(r.ErrorCode, 100), EvidenceJson = r.EvidenceJson, CheckedUtc = now,
                }).ToList();
                db.AddRange(fresh);

                // The newest result of each layer: this check's where it probed the layer, the earlier one elsewhere.
                var latest = fresh.Concat(input.Earlier.Where(e => fresh.All(f => f.Layer != e.Layer))).ToList();
                var configured = input.Secrets.Any(s => s.Kind == TenantSecretKind.UemClientSecret);
                var status = StatusRules.Derive(configured, input.SetupInProgress, latest.Select(c => new LayerCheck(c.Layer, c.Outcome, c.CheckedUtc)).ToList(), now, options.Value.Interval);
                var worst = latest.OrderByDescending(c => StatusPresentation.Severity(c.Outcome)).ThenBy(c => c.Layer).FirstOrDefault(c => c.Outcome != CheckOutcome.Passed);

                if (!snapshots.TryGetValue(tenantId, out var snapshot))
                {
                    snapshot = new TenantStatusSnapshot { TenantId = tenantId, Status = status, StatusSinceUtc = now };
                    db.Add(snapshot);
                    changes.Add((input, null, status, worst));
                }
                else if (snapshot.Status != status)
                {
                    changes.Add((input, snapshot.Status, status, worst));
                    snapshot.Status = status;
                    snapshot.StatusSinceUtc = now;
                }

                snapshot.LastCheckedUtc = now;
                // Without a stored client secret (never entered, or removed when the tenant's hosts changed) old failures are beside the point.
                snapshot.Diagnosis = configured ? worst?.Diagnosis : NeedsCredentialsDiagnosis;
                snapshot.Fix = configured ? worst?.Fix : NeedsCredentialsFix;
                statuses[tenantId] = status;
                events.AddRange(ReminderEvents(input, snapshot.LastAttestedUtc, configured, now));
            }

            await db.SaveChangesAsync(ct);
        }

        metrics?.CountChecks(batch.SelectMany(b => b.Results));
        foreach (var (tenantId, status) in statuses)
        {
            results[tenantId] = status;
        }

        // The checks are stored: a failure from here on is logged, not retried (that would store them twice).
        try
        {
            if (changes.Count > 0)
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IAuditSink>().WriteManyAsync(
                    changes.Select(c => ChangeAudit(c.Input.Tenant, c.Previous, c.Status, c.Worst)).ToList(), ct);
                events.AddRange(changes.SelectMany(c => ChangeEvents(c.Input.Tenant, c.Previous, c.Status, c.Worst, now)));
            }

            await outbox.EnqueueAsync(events, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Auditing or queuing notifications for {Count} status checks failed", batch.Count);
        }
    }

    private static AuditEvent ChangeAudit(Tenant tenant, ConnectionStatus? previous, ConnectionStatus status, CheckResult? worst) =>
        new("status.changed", AuditOutcome.Success, tenant.Id, new Dictionary<string, string?>
        {
            ["from"] = previous?.ToString() ?? "none",
            ["to"] = status.ToString(),
            ["diagnosis"] = worst?.Diagnosis,
        })
        { ActorOverride = AuditActor, TenantName = tenant.DisplayName };

    private IEnumerable<NotificationEvent> ChangeEvents(Tenant tenant, ConnectionStatus? previous, ConnectionStatus status, CheckResult? worst, DateTime now)
    {
        if (NotificationRules.Classify(previous, status) is not { } kind)
        {
            yield break;
        }

        var (subject, body) = NotificationRules.StatusMessage(kind, tenant.DisplayName, previous, status, worst?.Diagnosis, worst?.Fix, Link(tenant.Id));
        yield return new NotificationEvent(kind, tenant.Id, tenant.DisplayName, Tags(tenant), NotificationRules.StatusChangeKey(tenant.Id, status, now), subject, body,
            BoardLink(kind, tenant, status));
    }

    private static List<string> Tags(Tenant tenant) => tenant.Tags.Select(t => t.Name).ToList();

    /// <summary>Rotation and review reminders (their keys make each one go out once per threshold).</summary>
    private IEnumerable<NotificationEvent> ReminderEvents(SweepInput input, DateTime? lastAttestedUtc, bool configured, DateTime now)
    {
        var tenant = input.Tenant;
        var tenantId = tenant.Id;
        foreach (var secret in input.Secrets)
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
                yield return new NotificationEvent(NotificationEventKind.RotationDue, tenantId, tenant.DisplayName, Tags(tenant),
                    NotificationRules.RotationKey(tenantId, secret.Kind.ToString(), secret.SecretSetUtc, threshold), subject, body, BoardLink(NotificationEventKind.RotationDue, tenant, null));
            }
        }

        if (configured && AttestationRules.Assess(lastAttestedUtc ?? tenant.CreatedUtc, now, options.Value.AttestationOverdueDays) == AttestationRules.State.Overdue)
        {
            yield return new NotificationEvent(NotificationEventKind.AttestationOverdue, tenantId, tenant.DisplayName, Tags(tenant),
                NotificationRules.AttestationKey(tenantId, lastAttestedUtc),
                $"[Connector Portal] {tenant.DisplayName}: connection review overdue",
                $"Tenant: {tenant.DisplayName}\nNo team lead has reviewed this connection for {options.Value.AttestationOverdueDays} days." + (Link(tenantId) is { } l2 ? $"\nDetails: {l2}" : ""),
                BoardLink(NotificationEventKind.AttestationOverdue, tenant, null));
        }
    }

    private string? Link(int tenantId) => notificationOptions.Value.PortalBase is { } baseUrl
        ? $"{baseUrl}/status/{tenantId.ToString(CultureInfo.InvariantCulture)}"
        : null;

    private string? BoardLink(NotificationEventKind kind, Tenant tenant, ConnectionStatus? status) =>
        NotificationRules.BoardLink(notificationOptions.Value.PortalBase, NotificationRules.BoardFilter(kind, tenant.DisplayName, status));

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
