using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Status;
using Portal.Features.Tenants;
using Portal.Integrations;

namespace Portal.Features.Telemetry;

/// <summary>
/// <c>portal_tenants{status}</c>: tenants that are not archived, by connection status as the status board counts them
/// (the board's own rule, <see cref="StatusQueries.WithBoardStatus"/>). One grouped query, reused for
/// <see cref="MetricsOptions.TenantCountCacheSeconds"/>, so frequent scrapes do not load the database.
/// </summary>
public sealed class TenantStatusGauge
{
    private readonly IDbContextFactory<PortalDbContext> _dbFactory;
    private readonly TimeProvider _clock;
    private readonly IOptions<StatusOptions> _status;
    private readonly IOptionsMonitor<MetricsOptions> _metrics;
    private readonly ILogger<TenantStatusGauge> _logger;
    private readonly Lock _gate = new();
    private IReadOnlyDictionary<ConnectionStatus, int>? _counts;
    private DateTimeOffset _countedAt;

    public TenantStatusGauge(
        IMeterFactory meters,
        IDbContextFactory<PortalDbContext> dbFactory,
        TimeProvider clock,
        IOptions<StatusOptions> status,
        IOptionsMonitor<MetricsOptions> metrics,
        ILogger<TenantStatusGauge> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        (_dbFactory, _clock, _status, _metrics, _logger) = (dbFactory, clock, status, metrics, logger);
        meters.Create(PortalMeter.Name).CreateObservableGauge("portal.tenants", Observe, "{tenant}",
            "Tenants (not archived) by connection status, as the status board counts them.");
    }

    private IEnumerable<Measurement<int>> Observe()
    {
        var counts = Counts();
        // Every status, zeros included, so a dashboard's series do not vanish when a status empties.
        return counts is null
            ? []
            : Enum.GetValues<ConnectionStatus>().Select(s => new Measurement<int>(counts.GetValueOrDefault(s), new KeyValuePair<string, object?>("status", s.ToString())));
    }

    private IReadOnlyDictionary<ConnectionStatus, int>? Counts()
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (_counts is not null && now - _countedAt < TimeSpan.FromSeconds(_metrics.CurrentValue.TenantCountCacheSeconds))
            {
                return _counts;
            }

            try
            {
                _counts = Query(now.UtcDateTime);
                _countedAt = now;
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or TimeoutException)
            {
                // Observable callbacks run on the scrape: report the last counts (or none) rather than fail it.
                _logger.LogWarning(ex, "Could not count tenants by status for the metrics");
            }

            return _counts;
        }
    }

    private Dictionary<ConnectionStatus, int> Query(DateTime now)
    {
        using var db = _dbFactory.CreateDbContext();
        return db.Set<Tenant>().AsNoTracking().Where(t => !t.IsArchived).WithBoardStatus(db, now, _status.Value.Interval)
            .GroupBy(j => j.Status).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionary(x => x.Key, x => x.Count);
    }
}
