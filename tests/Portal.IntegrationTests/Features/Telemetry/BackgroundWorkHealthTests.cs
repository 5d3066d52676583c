using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Data;
using Portal.Features.Cluster;
using Portal.Features.Regions;
using Portal.Features.Status;
using Portal.Features.Tenants;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Telemetry;

/// <summary>
/// /health/background on real portals: healthy while this instance holds the lease and sweeps; unhealthy when no
/// instance holds a live lease, or when the sweep has not finished a pass for two intervals; a follower says so.
/// </summary>
public sealed class BackgroundWorkHealthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(PortalAppFactory portal, string path)
    {
        using var client = portal.CreatePortalClient();
        using var response = await client.Http.GetAsync(path, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private static async Task SetLeaseAsync(PortalAppFactory portal, string holder, DateTime expiresUtc)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        (await db.Set<Lease>().Where(l => l.Name == BackgroundWorkLease.LeaseName)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresUtc, expiresUtc), Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task LeaseLost_GoesUnhealthy_AndAFollowerSaysItIsOne_WhileReadinessStaysUp()
    {
        // A long lease period: this instance's next renewal is ten minutes away, so the row edits below stand.
        await using var portal = new PortalAppFactory().WithSetting("Cluster:LeaseSeconds", "3600");
        await portal.InitializeAsync();
        await portal.Services.GetRequiredService<BackgroundWorkLease>().FirstAttempt.WaitAsync(Ct);

        var leader = await GetAsync(portal, "/health/background");
        // The lease is taken away: the row names an instance that has gone, and its lease has run out.
        await SetLeaseAsync(portal, "vanished-instance", DateTime.UtcNow.AddMinutes(-1));
        var lost = await GetAsync(portal, "/health/background");
        var readyWhileLost = await GetAsync(portal, "/health/ready");
        // Another instance holds a live lease: this one is a follower.
        await SetLeaseAsync(portal, "other-instance", DateTime.UtcNow.AddHours(1));
        var follower = await GetAsync(portal, "/health/background");

        leader.Status.ShouldBe(HttpStatusCode.OK);
        leader.Body.ShouldStartWith("Healthy: This instance runs the background work");
        lost.Status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        lost.Body.ShouldStartWith("Unhealthy: No instance holds a live background-work lease");
        lost.Body.ShouldNotContain("vanished-instance"); // anonymous endpoint: no instance or host names
        readyWhileLost.Status.ShouldBe(HttpStatusCode.OK); // readiness (and the Dockerfile's liveness probe) are not tied to it
        follower.Status.ShouldBe(HttpStatusCode.OK);
        follower.Body.ShouldStartWith("Healthy: Follower");
    }

    [Fact]
    public async Task SweepOlderThanTwoIntervals_GoesUnhealthy()
    {
        await using var portal = new HungSweepPortal();
        await portal.InitializeAsync();
        await portal.Services.GetRequiredService<BackgroundWorkLease>().FirstAttempt.WaitAsync(Ct);
        await portal.AddTenantAsync();

        var fresh = await GetAsync(portal, "/health/background");
        // Three minutes on a one-minute interval: every tenant is due, each check hangs, and no pass finishes again.
        portal.Clock.Advance(TimeSpan.FromMinutes(3));
        var stale = await GetAsync(portal, "/health/background");
        var ready = await GetAsync(portal, "/health/ready");

        fresh.Status.ShouldBe(HttpStatusCode.OK);
        fresh.Body.ShouldStartWith("Healthy: This instance runs the background work");
        stale.Status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        stale.Body.ShouldStartWith("Unhealthy: The last status sweep finished");
        stale.Body.ShouldContain("more than two sweep intervals (2 min)");
        ready.Status.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>Sweeps on a one-minute interval under a fake clock, with every check hanging (an upstream that never answers).</summary>
    private sealed class HungSweepPortal : PortalAppFactory
    {
        public HungSweepPortal()
        {
            WithSetting("Status:IntervalMinutes", "1");
            WithSetting("Status:TenantTimeoutSeconds", "600");
            WithSetting("Cluster:LeaseSeconds", "3600");
        }

        public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<TimeProvider>(Clock);
                services.AddScoped<IConnectionProbe, HangingProbe>();
            });
        }

        public async Task AddTenantAsync()
        {
            await using var db = await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
            var region = await db.Set<Region>().OrderBy(r => r.Id).FirstAsync(r => r.Product == RegionProduct.Uem, Ct);
            var now = Clock.GetUtcNow().UtcDateTime;
            db.Add(new Tenant
            {
                DisplayName = "Hung sweep", NormalizedName = "HUNG SWEEP", UemConsoleUrl = "https://hung.example/console", UemApiUrl = "https://hung.example/api",
                UemTokenUrl = region.TokenUrl, UemRegionId = region.Id, OAuthClientId = "client-hung", CreatedUtc = now, CreatedBy = "test", UpdatedUtc = now, UpdatedBy = "test",
            });
            await db.SaveChangesAsync(Ct);
        }
    }

    private sealed class HangingProbe : IConnectionProbe
    {
        public async Task<IReadOnlyList<LayerProbeResult>> ProbeAsync(int tenantId, CancellationToken ct)
        {
            await Task.Delay(Timeout.Infinite, ct);
            return [];
        }
    }
}
