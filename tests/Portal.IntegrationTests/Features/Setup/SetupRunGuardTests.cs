using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Audit;
using Portal.Features.Setup;
using Portal.Features.Setup.Demo;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;
using Portal.Simulator;

namespace Portal.IntegrationTests.Features.Setup;

/// <summary>
/// The runbook's one-shot actions against the simulator over loopback HTTP: a Lock is sent once (lost reply, two tabs,
/// mismatched confirmation), and rotation can be repeated.
/// </summary>
public sealed class SetupRunGuardTests : IAsyncLifetime
{
    // Short attempts, so a held reply times out quickly; retries stay on, so only the "never retry a POST" rule keeps a Lock single.
    private readonly PortalAppFactory _portal = new PortalAppFactory()
        .WithSetting("Status:SweepEnabled", "false")
        .WithSetting("Integrations:Resilience:AttemptTimeoutSeconds", "1")
        .WithSetting("Integrations:Resilience:TotalTimeoutSeconds", "30")
        .WithSetting("Integrations:Resilience:MaxRetryAttempts", "3")
        .WithSetting("Integrations:Resilience:RetryBaseDelayMilliseconds", "50");

    private int _tenantId;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _portal.InitializeAsync();
        await using var scope = Helpdesk("helen");
        _tenantId = (await scope.ServiceProvider.GetRequiredService<TenantService>().SearchAsync("Demo Customer", 5, Ct)).Single().Id;
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task Lock_ReplyLostAfterUemCarriedItOut_IsSentExactlyOnceEvenWhenClickedAgain()
    {
        var run = await AtProveAutomationAsync();
        Simulator.AddFault(new SimFault { Kind = SimFaultKind.SlowReply, Target = SimFaultTarget.UemApi, TenantHostKey = SimulatorDemo.TenantHostKey, DelayMilliseconds = 5000 });
        await using var scope = Helpdesk("helen");
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();

        var first = await setup.LockTestDeviceAsync(run.Id, run.Version, SimulatorConsole.TestDeviceSerial, SimulatorConsole.TestDeviceSerial, Ct);

        first.Succeeded.ShouldBeFalse();
        LockCommands().ShouldBe(1);
        var again = await setup.LockTestDeviceAsync(first.Snapshot!.Run!.Id, first.Snapshot.Run.Version, SimulatorConsole.TestDeviceSerial, SimulatorConsole.TestDeviceSerial, Ct);
        again.Succeeded.ShouldBeFalse();
        again.Error.ShouldNotBeNull().ShouldContain("already sent");
        LockCommands().ShouldBe(1);
        Simulator.ClearFaults();
        var audit = await AuditAsync();
        audit.ShouldContain(e => e.Action == SetupActions.LockCommand && e.Outcome == AuditOutcome.Failure);
        audit.ShouldContain(e => e.Action == SetupActions.LockCommand && e.Outcome == AuditOutcome.Denied);
    }

    [Fact]
    public async Task Lock_TwoTabsClickAtOnceOnTheSameRunVersion_SendsOneCommand()
    {
        var run = await AtProveAutomationAsync();
        await using var helen = Helpdesk("helen");
        await using var hank = Helpdesk("hank");

        var outcomes = await Task.WhenAll(
            helen.ServiceProvider.GetRequiredService<SetupService>().LockTestDeviceAsync(run.Id, run.Version, SimulatorConsole.TestDeviceSerial, SimulatorConsole.TestDeviceSerial, Ct),
            hank.ServiceProvider.GetRequiredService<SetupService>().LockTestDeviceAsync(run.Id, run.Version, SimulatorConsole.TestDeviceSerial, SimulatorConsole.TestDeviceSerial, Ct));

        outcomes.Count(o => o.Succeeded).ShouldBe(1, string.Join(" | ", outcomes.Select(o => o.Error)));
        LockCommands().ShouldBe(1);
    }

    [Fact]
    public async Task Lock_ConfirmationDoesNotMatch_IsRefusedAndAudited()
    {
        var run = await AtProveAutomationAsync();
        await using var scope = Helpdesk("helen");

        var outcome = await scope.ServiceProvider.GetRequiredService<SetupService>()
            .LockTestDeviceAsync(run.Id, run.Version, SimulatorConsole.TestDeviceSerial, "C02DEMO0001", Ct);

        outcome.Succeeded.ShouldBeFalse();
        outcome.Error.ShouldNotBeNull().ShouldContain("Confirmation");
        LockCommands().ShouldBe(0);
        (await AuditAsync()).ShouldContain(e => e.Action == SetupActions.LockCommand && e.Outcome == AuditOutcome.Denied
            && e.DetailsJson.Contains("confirmation does not match", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rotation_AfterAFinishedRotation_CanStartAgain()
    {
        await using var scope = Helpdesk("helen");
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        await FinishAsync(setup, SetupRunKind.InitialSetup);
        await FinishAsync(setup, SetupRunKind.Rotation);

        var second = await setup.StartAsync(_tenantId, SetupRunKind.Rotation, Ct);

        second.Succeeded.ShouldBeTrue(second.Error);
        second.Snapshot!.Run!.Kind.ShouldBe(SetupRunKind.Rotation);
        second.Snapshot.Run.IsFinished.ShouldBeFalse();
    }

    private SimulatorState Simulator => _portal.Services.GetRequiredService<SimulatorState>();

    private int LockCommands() => Simulator.Commands(SimulatorDemo.TenantHostKey).Count(c => c.Command == "Lock");

    private AsyncServiceScope Helpdesk(string name) => _portal.Services.ScopeFor(name, Roles.Helpdesk);

    private async Task<SetupRun> AtProveAutomationAsync()
    {
        await using var scope = Helpdesk("helen");
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        var run = Moved(await setup.StartAsync(_tenantId, SetupRunKind.InitialSetup, Ct));
        run = Moved(await setup.ConfirmPlanAsync(run.Id, run.Version, SimulatorDemo.GroupId, "Role", Ct));
        run = Moved(await setup.SubmitClientCredentialsAsync(run.Id, run.Version, SetupStep.CreateOAuthClient, SimulatorDemo.ClientId, SimulatorDemo.ClientSecret, Ct));
        run = Moved(await setup.SubmitApiKeyAsync(run.Id, run.Version, SimulatorDemo.ApiKey, Ct));
        run = Moved(await setup.SkipAsync(run.Id, run.Version, SetupStep.VerifyUem, "Verified on the phone with the customer", Ct));
        run = Moved(await setup.SkipAsync(run.Id, run.Version, SetupStep.AuthoriseIntelligence, "Authorised by the customer's admin", Ct));
        run.CurrentStep.ShouldBe(SetupStep.ProveAutomation);
        return run;
    }

    private async Task FinishAsync(SetupService setup, SetupRunKind kind)
    {
        var run = Moved(await setup.StartAsync(_tenantId, kind, Ct));
        foreach (var step in SetupRun.StepsOf(kind))
        {
            run = Moved(step switch
            {
                SetupStep.Plan => await setup.ConfirmPlanAsync(run.Id, run.Version, SimulatorDemo.GroupId, "Role", Ct),
                SetupStep.CreateOAuthClient => await setup.SubmitClientCredentialsAsync(run.Id, run.Version, step, SimulatorDemo.ClientId, SimulatorDemo.ClientSecret, Ct),
                SetupStep.Summary or SetupStep.RotationSummary => await setup.ConfirmAsync(run.Id, run.Version, step, null, Ct),
                _ => await setup.SkipAsync(run.Id, run.Version, step, "Done with the customer on the phone", Ct),
            });
        }

        run.IsFinished.ShouldBeTrue();
    }

    private static SetupRun Moved(StepOutcome outcome)
    {
        outcome.Succeeded.ShouldBeTrue(outcome.Error);
        return outcome.Snapshot!.Run!;
    }

    private async Task<IReadOnlyList<AuditEntry>> AuditAsync()
    {
        await using var scope = _portal.Services.ScopeFor("auditor", Roles.Auditor);
        var page = await scope.ServiceProvider.GetRequiredService<AuditQueryService>()
            .QueryAsync(new AuditFilter { TenantId = _tenantId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, null, cancellationToken: Ct);
        return page.Entries;
    }
}
