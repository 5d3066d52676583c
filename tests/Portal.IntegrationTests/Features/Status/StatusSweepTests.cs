using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Audit;
using Portal.Features.Status;
using Portal.Features.Status.Notifications;
using Portal.Features.Users;

namespace Portal.IntegrationTests.Features.Status;

public sealed class StatusSweepTests(StatusTestPortal portal) : IClassFixture<StatusTestPortal>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sweep_MixedOutcomes_StoresResultsAndDerivesStatuses()
    {
        var ok = await portal.AddTenantAsync("Mixed OK", "ok.example");
        var rejected = await portal.AddTenantAsync("Mixed Rejected", "rej.example");
        var failed = await portal.AddTenantAsync("Mixed Failed", "fail.example");
        var slow = await portal.AddTenantAsync("Mixed Slow", "slow.example");
        var unconfigured = await portal.AddTenantAsync("Mixed Unconfigured", "none.example", withSecret: false);
        portal.Probe.Script(ok, ScriptedProbe.All(CheckOutcome.Passed));
        portal.Probe.Script(rejected, [new(ConnectionLayer.UemToken, CheckOutcome.CredentialsRejected, "invalid_client", "Re-enter the client secret", 30, "invalid_client", null)]);
        portal.Probe.Script(failed, [new(ConnectionLayer.UemApi, CheckOutcome.Failed, "Role lacks permission", "Grant the API role", 30, "403", null), new(ConnectionLayer.UemToken, CheckOutcome.Passed, "ok", null, 10, null, null)]);
        portal.Probe.Script(slow, [new(ConnectionLayer.UemApi, CheckOutcome.Slow, "Took 4 s", null, 4000, null, null)]);

        var statuses = await portal.Sweeper.SweepAsync([ok, rejected, failed, slow, unconfigured], Ct);

        statuses[ok].ShouldBe(ConnectionStatus.Connected);
        statuses[rejected].ShouldBe(ConnectionStatus.NeedsReauthorisation);
        statuses[failed].ShouldBe(ConnectionStatus.Failing);
        statuses[slow].ShouldBe(ConnectionStatus.Degraded);
        statuses[unconfigured].ShouldBe(ConnectionStatus.NotConfigured);
        await using var db = await portal.DbAsync();
        (await db.Set<CheckResult>().CountAsync(c => c.TenantId == ok, Ct)).ShouldBe(4);
        (await db.Set<CheckResult>().CountAsync(c => c.TenantId == failed, Ct)).ShouldBe(2);
        var snapshot = await db.Set<TenantStatusSnapshot>().SingleAsync(s => s.TenantId == failed, Ct);
        snapshot.Status.ShouldBe(ConnectionStatus.Failing);
        snapshot.Diagnosis.ShouldBe("Role lacks permission");
        snapshot.Fix.ShouldBe("Grant the API role");

        // The board reads the same stored state, worst first, with per-layer cells.
        await using var scope = portal.As("lead", Roles.TeamLead);
        var board = await scope.ServiceProvider.GetRequiredService<StatusService>().QueryBoardAsync(new StatusBoardQuery { Search = "Mixed", PageSize = 10 }, Ct);
        board.Rows.Select(r => r.TenantName).ShouldBe(["Mixed Failed", "Mixed Rejected", "Mixed Slow", "Mixed OK", "Mixed Unconfigured"]);
        board.Rows.Single(r => r.TenantId == failed).Cells.Single(c => c.Layer == ConnectionLayer.UemApi).Outcome.ShouldBe(CheckOutcome.Failed);
        board.Summary.Single(s => s.Status == ConnectionStatus.Connected).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Sweep_BoundsConcurrency_GloballyAndPerHost()
    {
        var distinct = new List<int>();
        for (var i = 0; i < 14; i++)
        {
            var id = await portal.AddTenantAsync($"Bound {i}", $"h{i}.bound.example");
            portal.Probe.Script(id, ScriptedProbe.All(CheckOutcome.Passed), TimeSpan.FromMilliseconds(150), host: $"h{i}");
            distinct.Add(id);
        }

        var shared = new List<int>();
        for (var i = 0; i < 7; i++)
        {
            var id = await portal.AddTenantAsync($"Shared host {i}", "shared.bound.example");
            portal.Probe.Script(id, ScriptedProbe.All(CheckOutcome.Passed), TimeSpan.FromMilliseconds(150), host: "shared");
            shared.Add(id);
        }

        portal.Probe.ResetCounters([.. distinct, .. shared]);
        await portal.Sweeper.SweepAsync([.. distinct, .. shared], Ct);

        portal.Probe.MaxInFlight.ShouldBeLessThanOrEqualTo(6);
        portal.Probe.MaxInFlight.ShouldBeGreaterThan(1);
        portal.Probe.MaxInFlightFor("shared").ShouldBeLessThanOrEqualTo(3);
    }

    [Fact]
    public async Task Sweep_SlowTenant_TimesOutWithoutDelayingOthers()
    {
        var hung = await portal.AddTenantAsync("Hung tenant", "hung.example");
        portal.Probe.Script(hung, ScriptedProbe.All(CheckOutcome.Passed), TimeSpan.FromMinutes(5), host: "hung");
        var quick = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            var id = await portal.AddTenantAsync($"Quick {i}", $"q{i}.example");
            portal.Probe.Script(id, ScriptedProbe.All(CheckOutcome.Passed), host: $"q{i}");
            quick.Add(id);
        }

        // Measure these tenants: a measurement left from an earlier test in this class would skip recording their completion.
        portal.Probe.ResetCounters([hung, .. quick]);
        var started = DateTime.UtcNow;
        var watch = Stopwatch.StartNew();
        var statuses = await portal.Sweeper.SweepAsync([hung, .. quick], Ct);

        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10)); // per-tenant timeout is 2 s
        quick.ShouldAllBe(id => portal.Probe.CompletedUtc[id] - started < TimeSpan.FromSeconds(1.5));
        statuses[hung].ShouldBe(ConnectionStatus.Degraded);
        await using var db = await portal.DbAsync();
        (await db.Set<CheckResult>().SingleAsync(c => c.TenantId == hung, Ct)).ErrorCode.ShouldBe("timeout");
    }

    [Fact]
    public async Task StatusChange_OneAuditAndOneMessagePerChannel_DebouncedOnRepeat_RealSmtpAndWebhook()
    {
        await using var smtp = LoopbackSmtpServer.Start();
        await using var hook = await LoopbackWebhook.StartAsync();
        const string smtpPassword = "Smtp-Secret-Value-123";
        const string hookToken = "hook-token-SECRET-456";
        await using (var admin = portal.As("ada", Roles.Admin))
        {
            var channels = admin.ServiceProvider.GetRequiredService<NotificationChannelService>();
            (await channels.SaveAsync(new ChannelEditModel
            {
                Name = "Ops mail", Kind = NotificationChannelKind.Email, Tag = "notify-a", SmtpHost = "127.0.0.1", SmtpPort = smtp.Port, SmtpSecurity = SmtpSecurity.None,
                NewSmtpPassword = smtpPassword, FromAddress = "portal@example.test", ToAddresses = "ops@example.test",
            }, Ct)).ShouldBeNull();
            (await channels.SaveAsync(new ChannelEditModel { Name = "Ops Teams", Kind = NotificationChannelKind.Webhook, Tag = "notify-a", NewWebhookUrl = hook.Url(hookToken) }, Ct)).ShouldBeNull();
            (await channels.ListAsync(Ct)).Where(c => c.Tag == "notify-a").ShouldAllBe(c => c.SecretFingerprint!.StartsWith(Portal.Features.Tenants.SecretFingerprints.Prefix, StringComparison.Ordinal));
        }

        var tenant = await portal.AddTenantAsync("Notify Contoso", "notify.example", tag: "notify-a");
        portal.Probe.Script(tenant, [new(ConnectionLayer.UemApi, CheckOutcome.Failed, "Role lacks permission", "Grant the API role", 20, "403", null)]);

        await portal.Sweeper.SweepAsync([tenant], Ct);
        await portal.Sweeper.SweepAsync([tenant], Ct); // same state again: no second audit, no second message

        await WaitUntilAsync(() => !smtp.Messages.IsEmpty && !hook.Received.IsEmpty);
        // Every delivery of the tenant is sent and none is pending: a duplicate would be a second row, so none can follow.
        (await DeliveriesSettledAsync(tenant)).Count.ShouldBe(2);
        smtp.Messages.Count.ShouldBe(1);
        hook.Received.Count.ShouldBe(1);
        var mail = smtp.Messages.Single();
        mail.Subject!.ShouldContain("Notify Contoso");
        mail.Subject!.ShouldContain("Failing");
        mail.TextBody!.ShouldContain("Role lacks permission");
        var json = hook.Received.Single();
        json.ShouldContain("\"text\"");
        json.ShouldContain("Notify Contoso");
        foreach (var text in new[] { mail.ToString(), json })
        {
            text.ShouldNotContain(smtpPassword);
            text.ShouldNotContain(hookToken);
        }

        await using (var db = await portal.DbAsync())
        {
            var tenantKey = tenant.ToString(System.Globalization.CultureInfo.InvariantCulture);
            (await db.Set<AuditEntry>().CountAsync(e => e.Action == "status.changed" && e.TenantId == tenantKey, Ct)).ShouldBe(1);
            (await db.Set<NotificationDelivery>().CountAsync(d => d.TenantId == tenant && d.State == DeliveryState.Sent, Ct)).ShouldBe(2);
        }

        // Recovery is a new state change: one more message on each channel.
        portal.Probe.Script(tenant, ScriptedProbe.All(CheckOutcome.Passed));
        (await portal.Sweeper.SweepAsync([tenant], Ct))[tenant].ShouldBe(ConnectionStatus.Connected);
        await WaitUntilAsync(() => smtp.Messages.Count >= 2 && hook.Received.Count >= 2);
        smtp.Messages.Last().Subject!.ShouldContain("recovered");
    }

    [Fact]
    public async Task FailedWebhook_IsRetriedWithBackoff_AndRecorded()
    {
        await using var hook = await LoopbackWebhook.StartAsync(failFirst: 1);
        await using (var admin = portal.As("ada", Roles.Admin))
        {
            (await admin.ServiceProvider.GetRequiredService<NotificationChannelService>().SaveAsync(
                new ChannelEditModel { Name = "Flaky hook", Kind = NotificationChannelKind.Webhook, Tag = "notify-retry", NewWebhookUrl = hook.Url("tok") }, Ct)).ShouldBeNull();
        }

        var tenant = await portal.AddTenantAsync("Retry Fabrikam", "retry.example", tag: "notify-retry");
        portal.Probe.Script(tenant, [new(ConnectionLayer.UemToken, CheckOutcome.CredentialsRejected, "invalid_client", null, 5, "invalid_client", null)]);
        await portal.Sweeper.SweepAsync([tenant], Ct);

        await WaitUntilAsync(() => !hook.Received.IsEmpty, TimeSpan.FromSeconds(15));
        hook.Attempts.Count.ShouldBe(2);
        hook.Received.Single().ShouldContain("re-authorisation");
        // The hook answers before the dispatcher records the result: give the save a moment.
        NotificationDelivery delivery;
        var recorded = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            await using var db = await portal.DbAsync();
            delivery = await db.Set<NotificationDelivery>().AsNoTracking().SingleAsync(d => d.TenantId == tenant, Ct);
            if (delivery.State == DeliveryState.Sent || recorded.Elapsed > TimeSpan.FromSeconds(10))
            {
                break;
            }

            await Task.Delay(100, Ct);
        }
        while (true);

        delivery.State.ShouldBe(DeliveryState.Sent);
        delivery.Attempts.ShouldBe(2);
    }

    [Fact]
    public async Task TestMessage_AdminOnly_ReachesTheChannel()
    {
        await using var hook = await LoopbackWebhook.StartAsync();
        int channelId;
        await using (var admin = portal.As("ada", Roles.Admin))
        {
            var channels = admin.ServiceProvider.GetRequiredService<NotificationChannelService>();
            (await channels.SaveAsync(new ChannelEditModel { Name = "Test hook", Kind = NotificationChannelKind.Webhook, Tag = "notify-test", NewWebhookUrl = hook.Url("t") }, Ct)).ShouldBeNull();
            channelId = (await channels.ListAsync(Ct)).Single(c => c.Name == "Test hook").Id;
            await channels.SendTestAsync(channelId, Ct);
        }

        await using (var lead = portal.As("lena", Roles.TeamLead))
        {
            await Should.ThrowAsync<PortalAccessDeniedException>(() => lead.ServiceProvider.GetRequiredService<NotificationChannelService>().SendTestAsync(channelId, Ct));
        }

        await WaitUntilAsync(() => !hook.Received.IsEmpty);
        hook.Received.Single().ShouldContain("Test message");
    }

    [Fact]
    public async Task Roles_CheckNowAndAttestation_EnforcedOnTheServer()
    {
        var tenant = await portal.AddTenantAsync("Roles Northwind", "roles.example");
        portal.Probe.Script(tenant, ScriptedProbe.All(CheckOutcome.Passed));

        await using (var auditor = portal.As("audrey", Roles.Auditor))
        {
            var status = auditor.ServiceProvider.GetRequiredService<StatusService>();
            await Should.ThrowAsync<PortalAccessDeniedException>(() => status.CheckNowAsync([tenant], Ct));
            await Should.ThrowAsync<PortalAccessDeniedException>(() => status.AttestAsync(tenant, "looks fine", Ct));
            (await status.QueryBoardAsync(new StatusBoardQuery { Search = "Roles Northwind" }, Ct)).Rows.ShouldHaveSingleItem();
        }

        await using (var helpdesk = portal.As("helen", Roles.Helpdesk))
        {
            var status = helpdesk.ServiceProvider.GetRequiredService<StatusService>();
            (await status.CheckNowAsync([tenant], Ct)).Succeeded.ShouldBeTrue();
            await Should.ThrowAsync<PortalAccessDeniedException>(() => status.AttestAsync(tenant, "looks fine", Ct));
        }

        await using (var lead = portal.As("lena", Roles.TeamLead))
        {
            var status = lead.ServiceProvider.GetRequiredService<StatusService>();
            (await status.AttestAsync(tenant, "   ", Ct)).Succeeded.ShouldBeFalse();
            (await status.AttestAsync(tenant, "Reviewed with the customer", Ct)).Succeeded.ShouldBeTrue();
            var detail = await status.GetDetailAsync(tenant, Ct);
            detail!.Row.LastAttestedBy.ShouldBe("lena");
            detail.Attestations.ShouldHaveSingleItem().Comment.ShouldBe("Reviewed with the customer");
        }

        await using var db = await portal.DbAsync();
        var key = tenant.ToString(System.Globalization.CultureInfo.InvariantCulture);
        (await db.Set<AuditEntry>().CountAsync(e => e.Action == "status.check-now" && e.TenantId == key, Ct)).ShouldBe(1);
        (await db.Set<AuditEntry>().CountAsync(e => e.Action == "status.attested" && e.TenantId == key, Ct)).ShouldBe(1);
        (await db.Set<AuditEntry>().CountAsync(e => e.Action == AuditActions.AccessDenied && e.Actor == "audrey", Ct)).ShouldBe(2);
    }

    [Fact]
    public async Task CsvExport_StreamsFilteredBoard_ForSignedInUsersOnly_AndIsAudited()
    {
        var id = await portal.AddTenantAsync("=Export formula", "export.example");
        portal.Probe.Script(id, ScriptedProbe.All(CheckOutcome.Passed));
        await portal.Sweeper.SweepAsync([id], Ct);

        using var anonymous = portal.CreatePortalClient();
        (await anonymous.Http.GetAsync(new Uri("/status/export.csv", UriKind.Relative), Ct)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);

        using var client = portal.CreatePortalClient();
        await client.SignInAsync(StatusTestPortal.AdminUserName, StatusTestPortal.AdminPassword);
        using var response = await client.Http.GetAsync(new Uri("/status/export.csv?search=Export", UriKind.Relative), Ct);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("TenantId,Tenant,Region,Tags,Status");
        lines.Length.ShouldBe(2);
        lines[1].ShouldContain("Connected");
        lines[1].ShouldContain("'=Export formula"); // a cell starting with "=" is escaped against spreadsheet formula injection
        await using var db = await portal.DbAsync();
        (await db.Set<AuditEntry>().CountAsync(e => e.Action == "status.exported", Ct)).ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task RotationDueAndReviewOverdue_NotifyOncePerThreshold()
    {
        await using var hook = await LoopbackWebhook.StartAsync();
        await using (var admin = portal.As("ada", Roles.Admin))
        {
            (await admin.ServiceProvider.GetRequiredService<NotificationChannelService>().SaveAsync(
                new ChannelEditModel { Name = "Rotation hook", Kind = NotificationChannelKind.Webhook, Tag = "notify-rotation", NewWebhookUrl = hook.Url("rot") }, Ct)).ShouldBeNull();
        }

        // Secret set 175 days ago (policy 180: the 7-day warning), tenant never reviewed in 175 days (overdue after 90).
        var tenant = await portal.AddTenantAsync("Rotation Litware", "rotation.example", tag: "notify-rotation", ageDays: 175);
        portal.Probe.Script(tenant, ScriptedProbe.All(CheckOutcome.Passed));

        await portal.Sweeper.SweepAsync([tenant], Ct);
        await portal.Sweeper.SweepAsync([tenant], Ct);

        await WaitUntilAsync(() => hook.Received.Count >= 2);
        var kinds = (await DeliveriesSettledAsync(tenant)).Select(d => d.EventKind).ToList(); // nothing left pending: no more can follow
        kinds.ShouldBe(["RotationDue", "AttestationOverdue"], ignoreOrder: true);
        hook.Received.ShouldContain(body => body.Contains("rotation due in", StringComparison.Ordinal));
        hook.Received.ShouldContain(body => body.Contains("review overdue", StringComparison.Ordinal));
        hook.Received.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Retention_PrunesOldCheckResultsOnly()
    {
        var id = await portal.AddTenantAsync("Retention tenant", "retention.example");
        await using (var db = await portal.DbAsync())
        {
            db.Add(new CheckResult { TenantId = id, Layer = ConnectionLayer.UemToken, Outcome = CheckOutcome.Passed, Diagnosis = "old", CheckedUtc = DateTime.UtcNow.AddDays(-31) });
            db.Add(new CheckResult { TenantId = id, Layer = ConnectionLayer.UemToken, Outcome = CheckOutcome.Passed, Diagnosis = "recent", CheckedUtc = DateTime.UtcNow.AddDays(-1) });
            await db.SaveChangesAsync(Ct);
        }

        (await portal.Sweeper.PruneAsync(Ct)).ShouldBeGreaterThanOrEqualTo(1);

        await using var check = await portal.DbAsync();
        (await check.Set<CheckResult>().Where(c => c.TenantId == id).Select(c => c.Diagnosis).ToListAsync(Ct)).ShouldBe(["recent"]);
    }

    [Fact]
    public async Task DailyDigest_OncePerChannelPerDay_ListsUnhealthyTenantsOfItsTag()
    {
        await using var smtp = LoopbackSmtpServer.Start();
        await using (var admin = portal.As("ada", Roles.Admin))
        {
            (await admin.ServiceProvider.GetRequiredService<NotificationChannelService>().SaveAsync(new ChannelEditModel
            {
                Name = "Digest mail", Kind = NotificationChannelKind.Email, Tag = "digest-only", DailyDigest = true, SmtpHost = "127.0.0.1", SmtpPort = smtp.Port,
                SmtpSecurity = SmtpSecurity.None, FromAddress = "portal@example.test", ToAddresses = "leads@example.test",
            }, Ct)).ShouldBeNull();
        }

        var bad = await portal.AddTenantAsync("Digest Failing", "digest.example", tag: "digest-only");
        portal.Probe.Script(bad, [new(ConnectionLayer.UemApi, CheckOutcome.Failed, "broken", null, 5, null, null)]);
        await portal.Sweeper.SweepAsync([bad], Ct);
        var outbox = portal.Services.GetRequiredService<NotificationOutbox>();

        (await outbox.EnqueueDailyDigestsAsync(Ct)).ShouldBeGreaterThanOrEqualTo(1);
        (await outbox.EnqueueDailyDigestsAsync(Ct)).ShouldBe(0);

        await WaitUntilAsync(() => smtp.Messages.Any(m => m.Subject!.Contains("Daily status digest", StringComparison.Ordinal)));
        var digest = smtp.Messages.Single(m => m.Subject!.Contains("Daily status digest", StringComparison.Ordinal));
        digest.TextBody!.ShouldContain("Digest Failing: Failing");
    }

    [Fact]
    public async Task ScopedUser_SeesAndChecksOnlyTenantsInScope()
    {
        var inside = await portal.AddTenantAsync("Scope Inside", "scope-in.example", tag: "scope-east");
        var outside = await portal.AddTenantAsync("Scope Outside", "scope-out.example", tag: "scope-west");
        await using (var db = await portal.DbAsync())
        {
            db.Users.Add(new Portal.Data.PortalUser { Id = "id-sam", UserName = "sam", NormalizedUserName = "SAM", DisplayName = "sam", SecurityStamp = Guid.NewGuid().ToString() });
            db.Add(new Portal.Features.Tenants.UserTenantScope { UserId = "id-sam", Tag = "scope-east" });
            await db.SaveChangesAsync(Ct);
        }

        await using var scope = portal.As("sam", Roles.Helpdesk);
        var status = scope.ServiceProvider.GetRequiredService<StatusService>();
        (await status.QueryBoardAsync(new StatusBoardQuery { Search = "Scope" }, Ct)).Rows.Select(r => r.TenantName).ShouldBe(["Scope Inside"]);
        (await status.GetDetailAsync(outside, Ct)).ShouldBeNull();
        (await status.CheckNowAsync([outside], Ct)).Succeeded.ShouldBeFalse();
        (await status.CheckNowAsync([inside, outside], Ct)).Succeeded.ShouldBeTrue();
        await using var check = await portal.DbAsync();
        (await check.Set<TenantStatusSnapshot>().AnyAsync(s => s.TenantId == outside, Ct)).ShouldBeFalse();
    }

    /// <summary>
    /// The tenant's deliveries once none is pending or retrying. The sweeps that enqueue them have returned, so from then on
    /// nothing more can be sent for the tenant: a test can count messages without sleeping to see that no duplicate arrives.
    /// </summary>
    private async Task<List<NotificationDelivery>> DeliveriesSettledAsync(int tenantId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            await using (var db = await portal.DbAsync())
            {
                var deliveries = await db.Set<NotificationDelivery>().AsNoTracking().Where(d => d.TenantId == tenantId).ToListAsync(Ct);
                if (deliveries.Count > 0 && deliveries.All(d => d.State is DeliveryState.Sent or DeliveryState.GaveUp))
                {
                    return deliveries;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The tenant's notifications were not all delivered in time.");
            }

            await Task.Delay(100, Ct);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Condition not met in time.");
            }

            await Task.Delay(100, Ct);
        }
    }
}
