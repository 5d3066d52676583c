using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Setup;
using Portal.Features.Setup.Demo;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.Integrations;
using Portal.Integrations.Uem;
using Portal.IntegrationTests.Infrastructure;
using Portal.Simulator;
using Portal.Tests.Shared;

namespace Portal.IntegrationTests.Features.Setup;

/// <summary>
/// Intelligence's half over real HTTP: the simulated Intelligence console authorises against the simulator's token
/// service and runs the Lock automation through its REST API; step 6 turns green only from the device's UEM event log.
/// </summary>
public sealed class AutomationProofTests : IAsyncLifetime
{
    private readonly PortalAppFactory _portal = new PortalAppFactory().WithSetting("Status:SweepEnabled", "false");

    private int _tenantId;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _portal.InitializeAsync();
        await using var scope = Helpdesk();
        _tenantId = (await scope.ServiceProvider.GetRequiredService<TenantService>().SearchAsync("Demo Customer", 5, Ct)).Single().Id;
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    private SimulatorState Simulator => _portal.Services.GetRequiredService<SimulatorState>();

    private AsyncServiceScope Helpdesk() => _portal.Services.ScopeFor("helen", Roles.Helpdesk);

    // ------------------------------------------------------------------ the simulated Intelligence console

    [Fact]
    public async Task Authorise_GoodValues_ExchangesAtTheTokenServiceCallsUemAndShowsAuthorised()
    {
        var (snapshot, client) = await AtIntelligenceStepAsync();
        var tokenCalls = Simulator.CountRequests("/connect/token");

        var result = await AuthoriseAsync(snapshot, client.ClientId, client.ClientSecret);

        result.Succeeded.ShouldBeTrue(result.Message);
        result.Message.ShouldStartWith("Authorised");
        Simulator.CountRequests("/connect/token").ShouldBeGreaterThan(tokenCalls);
        Simulator.RecentRequests.ShouldContain(r => r.Path.EndsWith("/API/system/info", StringComparison.Ordinal));
        await using var scope = Helpdesk();
        var view = scope.ServiceProvider.GetRequiredService<SimulatedIntelligenceConsole>().Integration(_tenantId).ShouldNotBeNull();
        view.Authorised.ShouldBeTrue();
        view.ClientId.ShouldBe(client.ClientId);
    }

    [Fact]
    public async Task Authorise_WrongSecret_FailsAtTheTokenService()
    {
        var (snapshot, client) = await AtIntelligenceStepAsync();

        var result = await AuthoriseAsync(snapshot, client.ClientId, client.ClientSecret + "x");

        result.Succeeded.ShouldBeFalse();
        result.Message.ShouldContain("invalid_client");
        await NotAuthorisedAsync();
    }

    [Fact]
    public async Task Authorise_AnotherRegionsTokenUrl_FailsBecauseThatRegionDoesNotKnowTheClient()
    {
        var (snapshot, client) = await AtIntelligenceStepAsync();
        var emeaTokenUrl = snapshot.UemTokenUrl.Replace("/simulator/connect/token", "/simulator/regions/" + SimulatorDemo.EmeaRegion + "/connect/token", StringComparison.Ordinal);
        emeaTokenUrl.ShouldNotBe(snapshot.UemTokenUrl);

        var result = await AuthoriseAsync(snapshot with { UemTokenUrl = emeaTokenUrl }, client.ClientId, client.ClientSecret);

        result.Succeeded.ShouldBeFalse();
        result.Message.ShouldContain("invalid_client");
        Simulator.RecentRequests.ShouldContain(r => r.Path == "/regions/emea/connect/token");
        await NotAuthorisedAsync();
    }

    [Fact]
    public async Task Authorise_DisabledClient_Fails()
    {
        var (snapshot, client) = await AtIntelligenceStepAsync();
        Simulator.SetClientEnabled(client.ClientId, false).ShouldBeTrue();

        var result = await AuthoriseAsync(snapshot, client.ClientId, client.ClientSecret);

        result.Succeeded.ShouldBeFalse();
        result.Message.ShouldContain("invalid_client");
        await NotAuthorisedAsync();
    }

    [Fact]
    public async Task Authorise_TokenUrlOfAnotherHost_IsRefusedNamingTheFieldAndNothingIsSentThere()
    {
        var (snapshot, client) = await AtIntelligenceStepAsync();
        using var attacker = new TcpListener(IPAddress.Loopback, 0);
        attacker.Start();
        var attackerUrl = $"http://127.0.0.1:{((IPEndPoint)attacker.LocalEndpoint).Port}/connect/token";

        var result = await AuthoriseAsync(snapshot with { UemTokenUrl = attackerUrl }, client.ClientId, client.ClientSecret);

        result.Succeeded.ShouldBeFalse();
        result.Message.ShouldStartWith("Token URL:");
        attacker.Pending().ShouldBeFalse(); // refused before any request: nothing connected to the listener
        await NotAuthorisedAsync();
    }

    [Fact]
    public async Task Console_AuditorOrHelpdeskOutsideTheTenantsScope_IsRefusedAndNothingIsSent()
    {
        var (snapshot, client) = await AtIntelligenceStepAsync();
        var tokenCalls = Simulator.CountRequests("/connect/token");
        var samId = ActingUser.UserIdOf("sam");
        await using (var db = await _portal.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Data.PortalDbContext>>().CreateDbContextAsync(Ct))
        {
            db.Users.Add(new Portal.Data.PortalUser { Id = samId, UserName = "sam", NormalizedUserName = "SAM", DisplayName = "sam", SecurityStamp = Guid.NewGuid().ToString() });
            await db.SaveChangesAsync(Ct);
        }

        await using (var admin = _portal.Services.ScopeFor("ada", Roles.Admin))
        {
            (await admin.ServiceProvider.GetRequiredService<TenantScopeAdminService>().SetAsync(samId, ["fabrikam"], Ct)).Succeeded.ShouldBeTrue();
        }

        var form = new IntelligenceIntegrationForm(snapshot.UemApiUrl, snapshot.UemTokenUrl, client.ClientId, client.ClientSecret, null);
        await using (var sam = _portal.Services.ScopeFor("sam", Roles.Helpdesk))
        {
            var outside = await sam.ServiceProvider.GetRequiredService<SimulatedIntelligenceConsole>().AuthoriseAsync(_tenantId, form, Ct);
            outside.Succeeded.ShouldBeFalse();
            outside.Message.ShouldContain("in your scope");
            (await sam.ServiceProvider.GetRequiredService<SimulatedIntelligenceConsole>().RunAsync(_tenantId, new IntelligenceAutomation("x", SimulatorConsole.TestDeviceSerial), Ct)).Succeeded.ShouldBeFalse();
        }

        await using (var auditor = _portal.Services.ScopeFor("aud", Roles.Auditor))
        {
            await Should.ThrowAsync<PortalAccessDeniedException>(() => auditor.ServiceProvider.GetRequiredService<SimulatedIntelligenceConsole>().AuthoriseAsync(_tenantId, form, Ct));
        }

        Simulator.CountRequests("/connect/token").ShouldBe(tokenCalls);
        Simulator.Commands(SimulatorDemo.TenantHostKey).ShouldBeEmpty();
        await NotAuthorisedAsync();
    }

    [Fact]
    public async Task Run_AfterAuthorising_LocksTheTestDeviceAsTheAuthorisedClient()
    {
        var (snapshot, client) = await AtIntelligenceStepAsync();
        (await AuthoriseAsync(snapshot, client.ClientId, client.ClientSecret)).Succeeded.ShouldBeTrue();

        var run = await RunAutomationAsync(" c02demo0002 "); // the filter is on the normalised serial number

        run.Succeeded.ShouldBeTrue(run.Message);
        var log = await ReadEventLogAsync(SimulatorDemo.AntivirusOffDeviceId);
        log.ShouldContain(e => DeviceLockEvent.IsLock(e.Event) && e.AdminAccount == client.ClientId);
        await using var scope = Helpdesk();
        var activity = scope.ServiceProvider.GetRequiredService<SimulatedIntelligenceConsole>().Activity(_tenantId).ShouldHaveSingleItem();
        activity.Succeeded.ShouldBeTrue();
        activity.Trigger.ShouldBe("Manual");
    }

    [Fact]
    public async Task Run_DeviceWhoseAntivirusPasses_ConditionNotMetAndNothingIsSent()
    {
        var (snapshot, client) = await AtIntelligenceStepAsync();
        (await AuthoriseAsync(snapshot, client.ClientId, client.ClientSecret)).Succeeded.ShouldBeTrue();

        var run = await RunAutomationAsync("C02DEMO0001");

        run.Succeeded.ShouldBeFalse();
        run.Message.ShouldContain("Condition not met");
        Simulator.Commands(SimulatorDemo.TenantHostKey).ShouldBeEmpty();
    }

    [Fact]
    public async Task EventLog_DeviceWithNoEvents_204IsAnEmptyLog()
    {
        var entries = await ReadEventLogAsync(10001);

        entries.ShouldBeEmpty();
        Simulator.RecentRequests.ShouldContain(r => r.Path.EndsWith("/API/mdm/devices/10001/eventlog", StringComparison.Ordinal));
    }

    // ------------------------------------------------------------------ step 6 verified from the event log

    [Fact]
    public async Task Step6_AutomationRunInIntelligence_TurnsGreenFromTheEventLogWithWhoAndWhen()
    {
        var (snapshot, client) = await AtIntelligenceStepAsync();
        (await AuthoriseAsync(snapshot, client.ClientId, client.ClientSecret)).Succeeded.ShouldBeTrue();
        var run = await ConfirmIntelligenceAsync(snapshot.Run!);
        (await RunAutomationAsync(SimulatorConsole.TestDeviceSerial)).Succeeded.ShouldBeTrue();

        var outcome = await WatchAsync(run, TimeSpan.Zero);

        outcome.Succeeded.ShouldBeTrue(outcome.Error);
        outcome.Snapshot!.Run![SetupStep.ProveAutomation].State.ShouldBe(StepState.Completed);
        var line = outcome.Report!.Lines.Single(l => l.Layer == "Automation Lock");
        line.Passed.ShouldBeTrue();
        line.Summary.ShouldContain(client.ClientId);
        line.Summary.ShouldContain(" UTC");
        outcome.Snapshot.Run[SetupStep.ProveAutomation].EvidenceJson!.ShouldContain(client.ClientId);
        // The proven step keeps its evidence: the portal's own Lock is no longer offered there.
        await using var scope = Helpdesk();
        var done = outcome.Snapshot.Run;
        var lateLock = await scope.ServiceProvider.GetRequiredService<SetupService>().LockTestDeviceAsync(done.Id, done.Version, SimulatorConsole.TestDeviceSerial, SimulatorConsole.TestDeviceSerial, Ct);
        lateLock.Succeeded.ShouldBeFalse();
        Simulator.Commands(SimulatorDemo.TenantHostKey).Count(c => c.Command == "Lock").ShouldBe(1);
        lateLock.Snapshot!.Run![SetupStep.ProveAutomation].EvidenceJson!.ShouldContain(client.ClientId);
    }

    [Fact]
    public async Task Step6_NoLockEvent_StaysOpenWithAFix()
    {
        var (snapshot, _) = await AtIntelligenceStepAsync();
        var run = await ConfirmIntelligenceAsync(snapshot.Run!);

        var outcome = await WatchAsync(run, TimeSpan.Zero);

        outcome.Succeeded.ShouldBeFalse();
        outcome.Error!.ShouldContain("run it once");
        outcome.Snapshot!.Run![SetupStep.ProveAutomation].State.ShouldBe(StepState.Pending);
        // The seeded, older Lock from a console admin is reported, not counted.
        outcome.Report!.Lines.ShouldContain(l => l.Layer == "Automation Lock" && !l.Passed);
    }

    [Fact]
    public async Task Step6_LockOlderThanTheStep_IsIgnored()
    {
        var (snapshot, client) = await AtIntelligenceStepAsync();
        (await AuthoriseAsync(snapshot, client.ClientId, client.ClientSecret)).Succeeded.ShouldBeTrue();
        (await RunAutomationAsync(SimulatorConsole.TestDeviceSerial)).Succeeded.ShouldBeTrue(); // before step 6 starts
        var run = await ConfirmIntelligenceAsync(snapshot.Run!);
        var lockAt = (await ReadEventLogAsync(SimulatorDemo.AntivirusOffDeviceId)).Where(e => e.AdminAccount == client.ClientId).Max(e => e.At!.Value);
        lockAt.ShouldBeLessThan(run.StepStartedUtc(SetupStep.ProveAutomation));

        var outcome = await WatchAsync(run, TimeSpan.Zero);

        outcome.Succeeded.ShouldBeFalse();
        outcome.Snapshot!.Run![SetupStep.ProveAutomation].State.ShouldBe(StepState.Pending);
    }

    [Fact]
    public async Task Step6_ThePortalsOwnLock_DoesNotCountButTheAutomationsDoes()
    {
        var (snapshot, client) = await AtIntelligenceStepAsync();
        (await AuthoriseAsync(snapshot, client.ClientId, client.ClientSecret)).Succeeded.ShouldBeTrue();
        var run = await ConfirmIntelligenceAsync(snapshot.Run!);
        await using var scope = Helpdesk();
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        var portalLock = await setup.LockTestDeviceAsync(run.Id, run.Version, SimulatorConsole.TestDeviceSerial, SimulatorConsole.TestDeviceSerial, Ct);
        portalLock.Succeeded.ShouldBeTrue(portalLock.Error);
        run = portalLock.Snapshot!.Run!;
        run[SetupStep.ProveAutomation].State.ShouldBe(StepState.Pending); // an optional permission check only
        (await ReadEventLogAsync(SimulatorDemo.AntivirusOffDeviceId)).ShouldContain(e => e.AdminAccount == client.ClientId); // same client, same account

        var afterPortalLock = await WatchAsync(run, TimeSpan.Zero);

        afterPortalLock.Succeeded.ShouldBeFalse();
        afterPortalLock.Report!.Lines.ShouldContain(l => l.Layer == "Portal's own Lock");
        (await RunAutomationAsync(SimulatorConsole.TestDeviceSerial)).Succeeded.ShouldBeTrue();
        var afterAutomation = await WatchAsync(afterPortalLock.Snapshot!.Run!, TimeSpan.Zero);
        afterAutomation.Succeeded.ShouldBeTrue(afterAutomation.Error);
    }

    [Fact]
    public async Task Step6_CancelWhileWaiting_StopsAtOnceAndTheStepStaysOpen()
    {
        var (snapshot, _) = await AtIntelligenceStepAsync();
        var run = await ConfirmIntelligenceAsync(snapshot.Run!);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var reads = EventLogReads();
        await using var scope = Helpdesk();

        var watching = scope.ServiceProvider.GetRequiredService<SetupService>()
            .WatchAutomationAsync(run.Id, run.Version, SimulatorConsole.TestDeviceSerial, TimeSpan.FromMinutes(5), cancel.Token);
        while (EventLogReads() == reads && !watching.IsCompleted)
        {
            await Task.Delay(20, Ct); // waits for the signal: the first read of the event log
        }

        watching.IsCompleted.ShouldBeFalse();
        await cancel.CancelAsync();
        var outcome = await watching.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        outcome.Succeeded.ShouldBeFalse();
        outcome.Error!.ShouldContain("Stopped watching");
        var reloaded = (await scope.ServiceProvider.GetRequiredService<SetupService>().LoadAsync(_tenantId, Ct))!.Run!;
        reloaded[SetupStep.ProveAutomation].State.ShouldBe(StepState.Pending);
    }

    [Fact]
    public async Task Step6_SelfAttestation_IsRefusedOnTheServer()
    {
        var (snapshot, _) = await AtIntelligenceStepAsync();
        var run = await ConfirmIntelligenceAsync(snapshot.Run!);
        await using var scope = Helpdesk();

        var outcome = await scope.ServiceProvider.GetRequiredService<SetupService>().ConfirmAsync(run.Id, run.Version, SetupStep.ProveAutomation, "automation run in Intelligence locked the test device", Ct);

        outcome.Succeeded.ShouldBeFalse();
        outcome.Snapshot!.Run![SetupStep.ProveAutomation].State.ShouldBe(StepState.Pending);
    }

    // ------------------------------------------------------------------ step 5: "Intelligence says it cannot authorise"

    [Fact]
    public async Task Step5_Recheck_GoodClientPassesAndChangesNothing_DisabledClientIsDiagnosed()
    {
        var (snapshot, client) = await AtIntelligenceStepAsync();
        var run = snapshot.Run!;
        await using var scope = Helpdesk();
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();

        var good = await setup.RecheckForIntelligenceAsync(run.Id, run.Version, SetupStep.AuthoriseIntelligence, Ct);
        good.Succeeded.ShouldBeTrue(good.Error);
        good.Report!.Lines.ShouldContain(l => l.Layer == "Token" && l.Passed);
        good.Report.Lines.ShouldContain(l => l.Layer == "Device search" && l.Passed);
        good.Snapshot!.Run!.Version.ShouldBe(run.Version); // a check, not a change
        Simulator.SetClientEnabled(client.ClientId, false).ShouldBeTrue();
        _portal.Services.GetRequiredService<AccessTokenCache>().ForgetClient(client.ClientId);
        var disabled = await setup.RecheckForIntelligenceAsync(run.Id, run.Version, SetupStep.AuthoriseIntelligence, Ct);

        disabled.Succeeded.ShouldBeFalse();
        disabled.Report!.FirstFailure!.Layer.ShouldBe("Token");
        disabled.Snapshot!.Run![SetupStep.AuthoriseIntelligence].State.ShouldBe(StepState.Pending);
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>A run at step 5 with a client created in the simulator's UEM console (so its id is this test's own).</summary>
    private async Task<(SetupSnapshot Snapshot, (string ClientId, string ClientSecret) Client)> AtIntelligenceStepAsync()
    {
        await using var scope = Helpdesk();
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        var client = (await scope.ServiceProvider.GetRequiredService<SimulatorConsole>().CreateOAuthClientAsync(_tenantId, "Intelligence-demo", SimulatorDemo.FullRole, Ct))!.Value;
        var run = Moved(await setup.StartAsync(_tenantId, SetupRunKind.InitialSetup, Ct));
        run = Moved(await setup.ConfirmPlanAsync(run.Id, run.Version, SimulatorDemo.GroupId, "Role", Ct));
        run = Moved(await setup.SubmitClientCredentialsAsync(run.Id, run.Version, SetupStep.CreateOAuthClient, client.ClientId, client.ClientSecret, Ct));
        run = Moved(await setup.SubmitApiKeyAsync(run.Id, run.Version, SimulatorDemo.ApiKey, Ct));
        var verified = await setup.VerifyAsync(run.Id, run.Version, SetupStep.VerifyUem, Ct);
        verified.Succeeded.ShouldBeTrue(verified.Error);
        verified.Snapshot!.Run!.CurrentStep.ShouldBe(SetupStep.AuthoriseIntelligence);
        return (verified.Snapshot, client);
    }

    private async Task<SetupRun> ConfirmIntelligenceAsync(SetupRun atStep5)
    {
        await using var scope = Helpdesk();
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        var current = (await setup.LoadAsync(_tenantId, Ct))!.Run!;
        current.Id.ShouldBe(atStep5.Id);
        var run = Moved(await setup.ConfirmIntelligenceAsync(current.Id, current.Version, SetupStep.AuthoriseIntelligence, authorisedConfirmed: true, Ct));
        run.CurrentStep.ShouldBe(SetupStep.ProveAutomation);
        return run;
    }

    private async Task<StepOutcome> WatchAsync(SetupRun run, TimeSpan wait)
    {
        await using var scope = Helpdesk();
        return await scope.ServiceProvider.GetRequiredService<SetupService>().WatchAutomationAsync(run.Id, run.Version, SimulatorConsole.TestDeviceSerial, wait, Ct);
    }

    /// <summary>Pastes the runbook's values into the simulated Intelligence form, as the user does.</summary>
    private async Task<IntelligenceConsoleResult> AuthoriseAsync(SetupSnapshot snapshot, string clientId, string secret)
    {
        await using var scope = Helpdesk();
        return await scope.ServiceProvider.GetRequiredService<SimulatedIntelligenceConsole>()
            .AuthoriseAsync(_tenantId, new IntelligenceIntegrationForm(snapshot.UemApiUrl, snapshot.UemTokenUrl, clientId, secret, null), Ct);
    }

    private async Task NotAuthorisedAsync()
    {
        await using var scope = Helpdesk();
        scope.ServiceProvider.GetRequiredService<SimulatedIntelligenceConsole>().Integration(_tenantId).ShouldBeNull();
    }

    private async Task<IntelligenceConsoleResult> RunAutomationAsync(string serial)
    {
        await using var scope = Helpdesk();
        return await scope.ServiceProvider.GetRequiredService<SimulatedIntelligenceConsole>()
            .RunAsync(_tenantId, new IntelligenceAutomation("Lock test device", serial), Ct);
    }

    /// <summary>The device's event log read over HTTP with the seeded demo client, as the portal reads it.</summary>
    private async Task<IReadOnlyList<UemDeviceEvent>> ReadEventLogAsync(int deviceId)
    {
        var api = _portal.Services.GetRequiredService<UemApiClient>();
        var connection = SimulatorConnections.DemoUem(new Uri(_portal.BaseAddress, "simulator/"));
        return (await api.GetDeviceEventLogAsync(connection, deviceId, 0, 500, 0, Ct)).Entries ?? [];
    }

    private int EventLogReads() => Simulator.RecentRequests.Count(r => r.Path.EndsWith("/eventlog", StringComparison.Ordinal));

    private static SetupRun Moved(StepOutcome outcome)
    {
        outcome.Succeeded.ShouldBeTrue(outcome.Error);
        return outcome.Snapshot!.Run!;
    }
}
