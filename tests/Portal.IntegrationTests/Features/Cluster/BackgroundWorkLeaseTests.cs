using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Data;
using Portal.Features.Cluster;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Cluster;

/// <summary>
/// The lease rules on the suite's database (SQLite, or PostgreSQL in the second pass), with contenders sharing one
/// fake clock so expiry is exact: one holder at a time, renewal keeps it, expiry hands it over, release frees it.
/// </summary>
public sealed class BackgroundWorkLeaseTests : IAsyncLifetime
{
    // A private portal: the contenders below take its lease row away from it.
    private readonly PortalAppFactory portal = new PortalAppFactory().WithSetting("Status:SweepEnabled", "false");

    public ValueTask InitializeAsync() => portal.InitializeAsync();

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    private static readonly TimeSpan Period = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private BackgroundWorkLease Contender(string name, TimeProvider clock) => new(
        portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>(),
        clock,
        Microsoft.Extensions.Options.Options.Create(new ClusterOptions { InstanceName = name, LeaseSeconds = (int)Period.TotalSeconds }),
        NullLogger<BackgroundWorkLease>.Instance);

    [Fact]
    public async Task Lease_OneHolderAtATime_RenewalKeepsIt_ExpiryHandsItOver()
    {
        // Far in the future, so the portal's own lease row (real clock) has long expired for these contenders.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddYears(5));
        var first = Contender("lease-test-first", clock);
        var second = Contender("lease-test-second", clock);

        (await first.TryAcquireOrRenewAsync(Ct)).ShouldBeTrue();
        (await second.TryAcquireOrRenewAsync(Ct)).ShouldBeFalse();

        clock.Advance(Period * 0.5);
        (await first.TryAcquireOrRenewAsync(Ct)).ShouldBeTrue(); // renewed before expiry
        clock.Advance(Period * 0.5);
        (await second.TryAcquireOrRenewAsync(Ct)).ShouldBeFalse(); // a full period since taking it, but renewed halfway

        clock.Advance(Period * 0.81); // the first stopped renewing: its lease (80 % of a period) has run out
        first.IsHeld.ShouldBeFalse();
        (await second.TryAcquireOrRenewAsync(Ct)).ShouldBeTrue();
        (await first.TryAcquireOrRenewAsync(Ct)).ShouldBeFalse(); // came back too late: stays a follower

        await second.StopAsync(Ct); // clean shutdown releases at once
        second.IsHeld.ShouldBeFalse();
        (await first.TryAcquireOrRenewAsync(Ct)).ShouldBeTrue();
    }
}
