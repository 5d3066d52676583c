using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Features.Cluster;

/// <summary>
/// Decides which one instance runs the background work (status sweeps, notification delivery, audit pruning): the one
/// holding the <see cref="LeaseName"/> row. The holder renews it often; when it dies, its lease expires and another
/// instance takes it over within one lease period. On SQLite there is one instance, which simply always holds it.
/// </summary>
public sealed class BackgroundWorkLease(
    IDbContextFactory<PortalDbContext> dbFactory,
    TimeProvider clock,
    IOptions<ClusterOptions> options,
    ILogger<BackgroundWorkLease> logger) : BackgroundService
{
    public const string LeaseName = "background-work";

    // Written expiry is 80 % of the period and contenders retry every sixth of it, so a dead holder is replaced
    // within one period; the holder renews on the same beat, long before its expiry.
    private const double ExpiryShare = 0.8;
    private const int AttemptsPerPeriod = 6;

    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _heldUntilTicks;
    private long _attempts;

    public string InstanceName { get; } = options.Value.ResolveInstanceName();

    /// <summary>True while this instance holds an unexpired lease; background work checks it before each run.</summary>
    public bool IsHeld => clock.GetUtcNow().UtcDateTime.Ticks < Interlocked.Read(ref _heldUntilTicks);

    /// <summary>Completes after the first attempt to take the lease, so background work does not skip its first run at start-up.</summary>
    public Task FirstAttempt => _firstAttempt.Task;

    /// <summary>Attempts made so far: lets a caller wait for a number of beats (a whole period of contention) instead of a duration.</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>The attempts made in one lease period: a contender that has made this many more has seen a whole period.</summary>
    public static int AttemptsInOnePeriod => AttemptsPerPeriod;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = options.Value.LeasePeriod;
        using var timer = new PeriodicTimer(period / AttemptsPerPeriod, clock);
        do
        {
            await TryAcquireOrRenewAsync(stoppingToken);
            _firstAttempt.TrySetResult();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Takes the lease if it is free or expired, or renews it if held; returns whether this instance now holds it.</summary>
    public async Task<bool> TryAcquireOrRenewAsync(CancellationToken ct)
    {
        var wasHeld = IsHeld;
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var expires = now + options.Value.LeasePeriod * ExpiryShare;
            var me = InstanceName;
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            // One conditional UPDATE: the database serialises racing instances, and only one sees the row as free.
            var taken = await db.Set<Lease>()
                .Where(l => l.Name == LeaseName && (l.Holder == me || l.ExpiresUtc <= now))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(l => l.AcquiredUtc, l => l.Holder == me ? l.AcquiredUtc : now)
                    .SetProperty(l => l.Holder, me)
                    .SetProperty(l => l.ExpiresUtc, expires), ct) == 1;
            if (!taken && !await db.Set<Lease>().AnyAsync(l => l.Name == LeaseName, ct))
            {
                db.Add(new Lease { Name = LeaseName, Holder = me, AcquiredUtc = now, ExpiresUtc = expires });
                try
                {
                    await db.SaveChangesAsync(ct);
                    taken = true;
                }
                catch (DbUpdateException)
                {
                    // another instance created the row first; it holds the lease
                }
            }

            Interlocked.Exchange(ref _heldUntilTicks, taken ? expires.Ticks : 0);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Any failure but shutdown, a timed-out query included. Keep what we had until it expires: a brief database hiccup must not stop the work, a long one must.
            logger.LogWarning(ex, "Could not renew the background work lease; retrying shortly");
        }

        var held = IsHeld;
        Interlocked.Increment(ref _attempts);
        if (held != wasHeld)
        {
            if (held)
            {
                logger.LogInformation("Instance {InstanceName} now runs the background work (sweeps, notifications, audit pruning)", InstanceName);
            }
            else
            {
                logger.LogWarning("Instance {InstanceName} no longer holds the background work lease", InstanceName);
            }
        }

        return held;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!IsHeld)
        {
            return;
        }

        try
        {
            // A clean shutdown hands over at once instead of making the others wait for the expiry.
            var me = InstanceName;
            var now = clock.GetUtcNow().UtcDateTime;
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.Set<Lease>().Where(l => l.Name == LeaseName && l.Holder == me)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresUtc, now), cancellationToken);
            Interlocked.Exchange(ref _heldUntilTicks, 0);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not release the background work lease; another instance takes it when it expires");
        }
    }
}
