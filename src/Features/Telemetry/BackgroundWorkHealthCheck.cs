using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Cluster;
using Portal.Features.Status;

namespace Portal.Features.Telemetry;

/// <summary>
/// Is the background work (status sweeps, notification delivery, audit pruning) running? Read from the lease row and
/// this instance's sweeper:
/// <list type="bullet">
/// <item>Healthy: this instance holds the lease and its last sweep pass is younger than two sweep intervals; or another
/// instance holds a live lease (this one is a follower and says so).</item>
/// <item>Degraded: this instance holds the lease but sweeps are turned off (<c>Status:SweepEnabled=false</c>).</item>
/// <item>Unhealthy: nobody holds a live lease (this instance lost it and no one took it over), or the holder's last sweep
/// is older than two intervals (the sweep is stuck or keeps failing).</item>
/// </list>
/// Descriptions name no instance or host: the endpoint is anonymous.
/// </summary>
public sealed class BackgroundWorkHealthCheck(
    BackgroundWorkLease lease,
    StatusSweeper sweeper,
    IDbContextFactory<PortalDbContext> dbFactory,
    TimeProvider clock,
    IOptions<StatusOptions> status) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<Lease>().AsNoTracking().FirstOrDefaultAsync(l => l.Name == BackgroundWorkLease.LeaseName, cancellationToken);
        var live = row is not null && row.ExpiresUtc > now;
        if (live && row!.Holder != lease.InstanceName)
        {
            return HealthCheckResult.Healthy("Follower: another instance holds the background-work lease and runs the sweeps and notifications.");
        }

        if (!live || !lease.IsHeld)
        {
            return HealthCheckResult.Unhealthy(
                "No instance holds a live background-work lease: status sweeps, notifications and audit pruning have stopped. " +
                "Check the database connection and the log for 'background work lease'; an instance takes the lease over within one Cluster:LeaseSeconds period.");
        }

        if (!status.Value.SweepEnabled)
        {
            return HealthCheckResult.Degraded("This instance holds the background-work lease, but status sweeps are turned off (Status:SweepEnabled=false).");
        }

        // Before the first pass, count from start-up or from taking the lease over, whichever is later.
        var reference = new[] { sweeper.LastPassCompletedUtc ?? sweeper.StartedUtc, sweeper.StartedUtc, DateTime.SpecifyKind(row!.AcquiredUtc, DateTimeKind.Utc) }.Max();
        var age = now - reference;
        var limit = 2 * status.Value.Interval;
        return age > limit
            ? HealthCheckResult.Unhealthy(
                $"The last status sweep finished {Minutes(age)} ago, more than two sweep intervals ({Minutes(limit)}). " +
                "The sweep is stuck or failing: check the log for 'Status sweep failed' and the database connection.")
            : HealthCheckResult.Healthy($"This instance runs the background work; the last sweep pass finished {Minutes(age)} ago.");
    }

    private static string Minutes(TimeSpan span) => span.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + " min";
}
