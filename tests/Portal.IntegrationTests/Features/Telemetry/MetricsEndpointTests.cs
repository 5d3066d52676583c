using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Status;
using Portal.Features.Status.Notifications;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Features.Status;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Features.Telemetry;

/// <summary>
/// The status test portal (scripted probe, sweeps driven by the tests) with /metrics on, scrapable only from
/// 10.99.0.0/16 or with the scrape token: the tests connect from loopback, which is therefore not allowed by address.
/// </summary>
public sealed class MetricsTestPortal : IAsyncLifetime
{
    public const string ScrapeToken = "scrape-token-0123456789abcdef0123456789abcdef";

    public StatusTestPortal Portal { get; } = (StatusTestPortal)new StatusTestPortal()
        .WithSetting("Telemetry:Metrics:Enabled", "true")
        .WithSetting("Telemetry:Metrics:AllowedNetworks:0", "10.99.0.0/16")
        .WithSetting("Telemetry:Metrics:ScrapeToken", ScrapeToken)
        .WithSetting("Telemetry:Metrics:TenantCountCacheSeconds", "1");

    public ValueTask InitializeAsync() => Portal.InitializeAsync();

    public ValueTask DisposeAsync() => Portal.DisposeAsync();
}

public sealed class MetricsEndpointTests(MetricsTestPortal fixture, SharedPortal shared) : IClassFixture<MetricsTestPortal>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private StatusTestPortal Portal => fixture.Portal;

    private async Task<HttpResponseMessage> ScrapeAsync(string? authorization = null, string? forwardedFor = null, PortalAppFactory? portal = null)
    {
        using var client = (portal ?? Portal).CreatePortalClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return await client.Http.SendAsync(request, Ct);
    }

    /// <summary>Scrapes with the token until <paramref name="done"/> holds (counts are written just after the work they count).</summary>
    private async Task<IReadOnlyList<PrometheusSample>> ScrapeUntilAsync(Func<IReadOnlyList<PrometheusSample>, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var response = await ScrapeAsync("Bearer " + MetricsTestPortal.ScrapeToken);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var samples = PrometheusText.Parse(await response.Content.ReadAsStringAsync(Ct));
            if (done(samples))
            {
                return samples;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"/metrics never showed {what}");
            await Task.Delay(200, Ct);
        }
    }

    [Fact]
    public async Task Scrape_AfterASweep_ShowsPortalMetricsWithSaneValues()
    {
        var connected = await Portal.AddTenantAsync("Metrics Connected", "metrics-ok.example");
        var rejected = await Portal.AddTenantAsync("Metrics Rejected", "metrics-rej.example");
        var unconfigured = await Portal.AddTenantAsync("Metrics Unconfigured", "metrics-none.example", withSecret: false);
        Portal.Probe.Script(connected, ScriptedProbe.All(CheckOutcome.Passed));
        Portal.Probe.Script(rejected, [new(ConnectionLayer.UemToken, CheckOutcome.CredentialsRejected, "invalid_client", "Re-enter the client secret", 30, "invalid_client", null)]);

        await Portal.Sweeper.SweepAsync([connected, rejected, unconfigured], Ct);
        using (var client = Portal.CreatePortalClient())
        {
            (await client.Http.GetAsync("/health/live", Ct)).EnsureSuccessStatusCode(); // a request for the HTTP server metrics
        }

        int tenants;
        await using (var db = await Portal.DbAsync())
        {
            tenants = await db.Set<Tenant>().CountAsync(t => !t.IsArchived, Ct);
        }

        // Other tests in this class add tenants too; the gauge is cached for a second, so wait for it to catch up.
        var samples = await ScrapeUntilAsync(s => s.Sum("portal_tenants") >= tenants, "every tenant in portal_tenants");

        samples.Sum("portal_tenants").ShouldBeGreaterThanOrEqualTo(tenants);
        samples.Where(s => s.Name == "portal_tenants").Select(s => s.Labels["status"]).ShouldBe(Enum.GetNames<ConnectionStatus>(), ignoreOrder: true);
        samples.Sum("portal_tenants", ("status", "Connected")).ShouldBeGreaterThanOrEqualTo(1);
        samples.Sum("portal_tenants", ("status", "NeedsReauthorisation")).ShouldBeGreaterThanOrEqualTo(1);
        samples.Sum("portal_tenants", ("status", "NotConfigured")).ShouldBeGreaterThanOrEqualTo(1);
        samples.Sum("portal_sweep_duration_seconds_count").ShouldBeGreaterThanOrEqualTo(1);
        samples.Sum("portal_sweep_duration_seconds_sum").ShouldBeGreaterThan(0);
        samples.Sum("portal_checks_total", ("layer", "UemToken"), ("outcome", "CredentialsRejected")).ShouldBeGreaterThanOrEqualTo(1);
        foreach (var layer in Enum.GetNames<ConnectionLayer>())
        {
            samples.Sum("portal_checks_total", ("layer", layer), ("outcome", "Passed")).ShouldBeGreaterThanOrEqualTo(1, layer);
        }

        samples.Sum("portal_audit_appends_total").ShouldBeGreaterThanOrEqualTo(3); // one status change per tenant, at least
        // The scraped host's own ASP.NET Core and runtime instruments are there too.
        samples.ShouldContain(s => s.Name.StartsWith("http_server_request_duration_seconds", StringComparison.Ordinal));
        samples.ShouldContain(s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TenantsGauge_CountsAsTheBoard_ConnectedOnOldEvidenceIsStaleInBoth()
    {
        var fresh = await Portal.AddTenantAsync("Metrics Fresh Evidence", "metrics-fresh.example");
        var old = await Portal.AddTenantAsync("Metrics Old Evidence", "metrics-old.example");
        Portal.Probe.Script(fresh, ScriptedProbe.All(CheckOutcome.Passed));
        Portal.Probe.Script(old, ScriptedProbe.All(CheckOutcome.Passed));
        await Portal.Sweeper.SweepAsync([fresh, old], Ct);
        // The sweeper stopped for one of them: its "Connected" now rests on a check three intervals old.
        await using (var db = await Portal.DbAsync())
        {
            var interval = Portal.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StatusOptions>>().Value.Interval;
            var snapshot = await db.Set<TenantStatusSnapshot>().SingleAsync(s => s.TenantId == old, Ct);
            snapshot.Status.ShouldBe(ConnectionStatus.Connected);
            snapshot.LastCheckedUtc = DateTime.UtcNow - (3 * interval);
            await db.SaveChangesAsync(Ct);
        }

        IReadOnlyList<(ConnectionStatus Status, int Count)> board;
        await using (var admin = Portal.As("ada", Roles.Admin))
        {
            var status = admin.ServiceProvider.GetRequiredService<StatusService>();
            (await status.QueryBoardAsync(new StatusBoardQuery { Search = "Metrics Old Evidence" }, Ct)).Rows.ShouldHaveSingleItem().Status.ShouldBe(ConnectionStatus.Stale);
            (await status.QueryBoardAsync(new StatusBoardQuery { Search = "Metrics Fresh Evidence" }, Ct)).Rows.ShouldHaveSingleItem().Status.ShouldBe(ConnectionStatus.Connected);
            board = await status.SummaryAsync(Ct);
        }

        // The gauge is cached for a second: wait until it shows the board's counts, status by status.
        var samples = await ScrapeUntilAsync(s => board.All(b => s.Sum("portal_tenants", ("status", b.Status.ToString())) == b.Count), "the board's counts in portal_tenants");

        samples.Sum("portal_tenants", ("status", "Stale")).ShouldBe(board.Single(b => b.Status == ConnectionStatus.Stale).Count);
        samples.Sum("portal_tenants", ("status", "Stale")).ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Scrape_AfterAWebhookDelivery_CountsItAsSent()
    {
        await using var hook = await LoopbackWebhook.StartAsync();
        int channelId;
        await using (var admin = Portal.As("ada", Roles.Admin))
        {
            var channels = admin.ServiceProvider.GetRequiredService<NotificationChannelService>();
            (await channels.SaveAsync(new ChannelEditModel { Name = "Metrics hook", Kind = NotificationChannelKind.Webhook, NewWebhookUrl = hook.Url("metrics-hook-token") }, Ct)).ShouldBeNull();
            channelId = (await channels.ListAsync(Ct)).Single(c => c.Name == "Metrics hook").Id;
            await channels.SendTestAsync(channelId, Ct);
        }

        var samples = await ScrapeUntilAsync(s => s.Sum("portal_notifications_total", ("outcome", "sent")) >= 1, "a sent notification");

        hook.Received.ShouldNotBeEmpty();
        samples.Sum("portal_notifications_total", ("outcome", "sent")).ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Scrape_FromANetworkNotAllowed_WithoutToken_IsNotFound()
    {
        using var response = await ScrapeAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldNotContain("portal_");
    }

    [Theory]
    [InlineData("Bearer scrape-token-0123456789abcdef0123456789abcdeX")] // same length, last character wrong
    [InlineData("Bearer scrape-token")] // a prefix of the real one
    [InlineData("Bearer ")]
    [InlineData("Basic c2NyYXBlOnNjcmFwZQ==")]
    [InlineData("scrape-token-0123456789abcdef0123456789abcdef")] // the token without the Bearer scheme
    public async Task Scrape_WithAWrongToken_IsNotFound(string authorization)
    {
        using var response = await ScrapeAsync(authorization);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldNotContain("portal_");
    }

    [Fact]
    public async Task Scrape_WithTheToken_FromAnyNetwork_IsAllowed()
    {
        // Through the loopback proxy (trusted by default) for a client far outside the allowed networks.
        using var response = await ScrapeAsync("Bearer " + MetricsTestPortal.ScrapeToken, forwardedFor: "203.0.113.7");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("# TYPE");
    }

    [Fact]
    public async Task Scrape_ByAddress_UsesTheClientAddressTheTrustedProxyForwarded()
    {
        // Default settings but /metrics on: loopback may scrape without a token.
        await using var portal = new PortalAppFactory().WithSetting("Telemetry:Metrics:Enabled", "true").WithSetting("Status:SweepEnabled", "false");
        await portal.InitializeAsync();

        using var direct = await ScrapeAsync(portal: portal);
        // The same loopback socket, but the (trusted, loopback) proxy says the client is on the internet: refused.
        using var forwarded = await ScrapeAsync(forwardedFor: "203.0.113.7", portal: portal);
        // A spoofed header from an untrusted peer would be ignored by the forwarded-headers step; here the peer is trusted,
        // so the allowed-networks check must see the forwarded address, not the proxy's.
        using var forwardedLocal = await ScrapeAsync(forwardedFor: "127.0.0.1", portal: portal);

        direct.StatusCode.ShouldBe(HttpStatusCode.OK);
        forwarded.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        forwardedLocal.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Metrics_AreOffByDefault()
    {
        // The suite's shared portal runs on default settings: even loopback gets no /metrics.
        using var response = await ScrapeAsync(portal: shared);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldNotContain("portal_");
    }
}
