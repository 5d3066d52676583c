using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Evidence;
using Portal.Features.Setup;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;
using Portal.Simulator;

namespace Portal.IntegrationTests.Features.Evidence;

/// <summary>"Who configured tenant X's OAuth connection, when, and was it verified?" answered from one pack.</summary>
public sealed class EvidencePackTests : IAsyncLifetime
{
    private const string Password = "Evidence-Passw0rd!";
    private readonly PortalAppFactory _portal = new();
    private int _tenantId;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _portal.InitializeAsync();
        await using var scope = _portal.Services.ScopeFor("helen", Roles.Helpdesk);
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        _tenantId = (await scope.ServiceProvider.GetRequiredService<TenantService>().SearchAsync("Demo Customer", 5, Ct)).Single().Id;
        var run = (await setup.StartAsync(_tenantId, SetupRunKind.InitialSetup, Ct)).Snapshot!.Run!;
        run = (await setup.ConfirmPlanAsync(run.Id, run.Version, SimulatorDemo.GroupId, "Role", Ct)).Snapshot!.Run!;
        run = (await setup.SubmitClientCredentialsAsync(run.Id, run.Version, SetupStep.CreateOAuthClient, SimulatorDemo.ClientId, SimulatorDemo.ClientSecret, Ct)).Snapshot!.Run!;
        run = (await setup.SubmitApiKeyAsync(run.Id, run.Version, SimulatorDemo.ApiKey, Ct)).Snapshot!.Run!;
        (await setup.VerifyAsync(run.Id, run.Version, SetupStep.VerifyUem, Ct)).Succeeded.ShouldBeTrue();
        foreach (var (user, role) in new[] { ("ann-auditor", Roles.Auditor), ("hal-helpdesk", Roles.Helpdesk) })
        {
            using var users = _portal.Services.CreateScope();
            var manager = users.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var account = new PortalUser { UserName = user, DisplayName = user, CreatedUtc = DateTime.UtcNow, LockoutEnabled = true };
            (await manager.CreateAsync(account, Password)).Succeeded.ShouldBeTrue();
            await manager.AddToRoleAsync(account, role);
        }
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task Build_AfterASetup_ShowsWhoDidEachStepTheVerificationAndAnIntactChain()
    {
        await using var scope = _portal.Services.ScopeFor("ann-auditor", Roles.Auditor);
        var (from, to) = EvidencePeriod.Resolve(null, null, DateTime.UtcNow);

        var pack = await scope.ServiceProvider.GetRequiredService<EvidenceService>().BuildAsync(_tenantId, from, to, "html", Ct);

        pack.ShouldNotBeNull();
        pack.Verification.IsIntact.ShouldBeTrue();
        var run = pack.Runs.ShouldHaveSingleItem();
        run[SetupStep.CreateOAuthClient].CompletedBy.ShouldBe("helen");
        run[SetupStep.VerifyUem].EvidenceJson!.ShouldContain("System info");
        pack.Entries.ShouldContain(e => e.Action == SetupActions.StepVerified && e.Actor == "helen");
        pack.Entries.ShouldContain(e => e.Action == "tenant.update" && e.DetailsJson.Contains("UemClientSecret=" + Portal.Features.Tenants.SecretFingerprints.Prefix, StringComparison.Ordinal)); // replaced, new fingerprint
        pack.Entries.ShouldContain(e => e.Action == "tenant.update" && e.DetailsJson.Contains($"\"change:OAuth client ID\":\"(empty) → {SimulatorDemo.ClientId}\"", StringComparison.Ordinal));
        string.Join('\n', pack.Entries.Select(e => e.DetailsJson)).ShouldNotContain(SimulatorDemo.ClientSecret);
    }

    [Fact]
    public async Task CsvExport_Auditor_StreamsThePackWithoutSecretsAndIsAudited()
    {
        using var client = _portal.CreatePortalClient();
        await client.SignInAsync("ann-auditor", Password);

        var response = await client.Http.GetAsync($"/audit/evidence.csv?tenant={_tenantId}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var csv = await response.Content.ReadAsStringAsync(Ct);
        csv.ShouldContain("integrity,");
        csv.ShouldContain(",intact,");
        csv.ShouldContain("Verify UEM end to end");
        csv.ShouldNotContain(SimulatorDemo.ClientSecret);
        csv.ShouldNotContain(SimulatorDemo.ApiKey);
        await using var scope = _portal.Services.ScopeFor("ann-auditor", Roles.Auditor);
        var page = await scope.ServiceProvider.GetRequiredService<AuditQueryService>().QueryAsync(new AuditFilter { Action = "audit.evidence.exported", Actor = "ann-auditor" }, cancellationToken: Ct);
        page.Entries.ShouldHaveSingleItem().DetailsJson.ShouldContain("\"format\":\"csv\"");
    }

    [Fact]
    public async Task Evidence_Helpdesk_IsRefusedOnTheServer()
    {
        using var client = _portal.CreatePortalClient();
        await client.SignInAsync("hal-helpdesk", Password);

        var csv = await client.Http.GetAsync($"/audit/evidence.csv?tenant={_tenantId}", Ct);
        var page = await client.Http.GetAsync($"/audit/evidence?tenant={_tenantId}", Ct);

        csv.StatusCode.ShouldBeOneOf(HttpStatusCode.Forbidden, HttpStatusCode.Redirect);
        if (csv.StatusCode == HttpStatusCode.Redirect)
        {
            csv.Headers.Location!.ToString().ShouldContain("AccessDenied");
        }

        page.Headers.Location!.ToString().ShouldContain("AccessDenied");
    }
}

/// <summary>Retention pruning removes old entries, keeps the chain verifiable through a signed anchor, and audits itself.</summary>
public sealed class AuditRetentionTests : IAsyncLifetime
{
    private readonly PortalAppFactory _portal = new PortalAppFactory().WithSetting("Audit:RetentionDays", "30");

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _portal.InitializeAsync();

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task Prune_EntriesOlderThanRetention_AreRemovedAnchoredAndAudited()
    {
        var appender = _portal.Services.GetRequiredService<AuditAppender>();
        // Entries written "in the past": the appender stamps the time, so backdate them directly afterwards is impossible
        // without breaking the chain; instead write them, then prune with a clock 60 days ahead.
        for (var i = 0; i < 5; i++)
        {
            await appender.AppendAsync(new AuditEvent("test.old", AuditOutcome.Success), "old-writer", "", null, "c", Ct);
        }

        var retention = new AuditRetentionService(
            _portal.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<PortalDbContext>>(),
            _portal.Services.GetRequiredService<AuditChain>(),
            appender,
            _portal.Services.GetRequiredService<AuditVerifier>(),
            _portal.Services.GetRequiredService<AuditCheckpointWriter>(),
            _portal.Services.GetRequiredService<Portal.Features.Cluster.BackgroundWorkLease>(),
            new ShiftedClock(TimeSpan.FromDays(60)),
            _portal.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuditOptions>>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditRetentionService>.Instance);

        var removed = await retention.PruneAsync(Ct);

        removed.ShouldBeGreaterThanOrEqualTo(5);
        await using var scope = _portal.Services.ScopeFor("auditor", Roles.Auditor);
        var query = scope.ServiceProvider.GetRequiredService<AuditQueryService>();
        (await query.QueryAsync(new AuditFilter { Action = "test.old" }, cancellationToken: Ct)).Entries.ShouldBeEmpty();
        (await query.QueryAsync(new AuditFilter { Action = AuditActions.AuditPruned }, cancellationToken: Ct)).Entries.ShouldHaveSingleItem();
        var verification = await query.VerifyChainAsync(Ct);
        verification.IsIntact.ShouldBeTrue(verification.Problem);
    }

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
