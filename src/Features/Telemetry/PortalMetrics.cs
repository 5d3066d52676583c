using System.Diagnostics.Metrics;
using Portal.Features.Status;
using Portal.Features.Status.Notifications;
using Portal.Integrations;

namespace Portal.Features.Telemetry;

/// <summary>
/// The portal's own instruments on the <see cref="PortalMeter.Name"/> meter. Names use dots and a unit, which the
/// Prometheus exporter prints as <c>portal_…</c> with <c>_total</c>/<c>_seconds</c> suffixes. Created through this
/// host's <see cref="IMeterFactory"/>, so two portals in one process (tests) never mix their figures.
/// </summary>
public sealed class PortalMetrics
{
    private readonly Histogram<double> _sweepDuration;
    private readonly Counter<long> _checks;
    private readonly Counter<long> _notifications;
    private readonly Counter<long> _auditAppends;

    public PortalMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(PortalMeter.Name);
        _sweepDuration = meter.CreateHistogram("portal.sweep.duration", "s", "How long one status sweep (scheduled or check-now) took.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] });
        _checks = meter.CreateCounter<long>("portal.checks", "{check}", "Layer checks stored by the sweeper, by layer and outcome.");
        _notifications = meter.CreateCounter<long>("portal.notifications", "{attempt}", "Notification delivery attempts, by outcome: sent, failed (retried later) or gave_up.");
        _auditAppends = meter.CreateCounter<long>("portal.audit.appends", "{entry}", "Entries appended to the audit chain.");
    }

    public void RecordSweep(TimeSpan elapsed) => _sweepDuration.Record(elapsed.TotalSeconds);

    public void CountChecks(IEnumerable<LayerProbeResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        foreach (var result in results)
        {
            _checks.Add(1, new KeyValuePair<string, object?>("layer", result.Layer.ToString()), new KeyValuePair<string, object?>("outcome", result.Outcome.ToString()));
        }
    }

    /// <summary>Counts one delivery attempt by the state it ended in.</summary>
    public void CountNotification(DeliveryState state) => _notifications.Add(1, new KeyValuePair<string, object?>("outcome", state switch
    {
        DeliveryState.Sent => "sent",
        DeliveryState.GaveUp => "gave_up",
        _ => "failed",
    }));

    public void CountAuditAppends(int entries) => _auditAppends.Add(entries);
}
