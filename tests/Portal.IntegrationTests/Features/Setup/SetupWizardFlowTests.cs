using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Audit;
using Portal.Features.Setup;
using Portal.Features.Setup.Demo;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;
using Portal.Simulator;

namespace Portal.IntegrationTests.Features.Setup;

/// <summary>The runbook against the built-in simulator over real HTTP (the portal calls its own /simulator on loopback).</summary>
public sealed class SetupWizardFlowTests : IAsyncLifetime
{
    private readonly PortalAppFactory _portal = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _portal.InitializeAsync();

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    private AsyncServiceScope Helpdesk() => _portal.Services.ScopeFor("helen", Roles.Helpdesk);

    private static async Task<int> DemoTenantAsync(AsyncServiceScope scope) =>
        (await scope.ServiceProvider.GetRequiredService<TenantService>().SearchAsync("Demo Customer", 5, Ct)).Single().Id;

    private static async Task<SetupRun> StartAsync(SetupService setup, int tenantId)
    {
        var started = await setup.StartAsync(tenantId, SetupRunKind.InitialSetup, Ct);
        started.Succeeded.ShouldBeTrue(started.Error);
        return started.Snapshot!.Run!;
    }

    private static async Task<SetupRun> PlannedRunAsync(SetupService setup, int tenantId)
    {
        var run = await StartAsync(setup, tenantId);
        return Moved(await setup.ConfirmPlanAsync(run.Id, run.Version, SimulatorDemo.GroupId, "Role", Ct));
    }

    private static async Task<SetupRun> WithDemoClientAsync(SetupService setup, SetupRun run) =>
        Moved(await setup.SubmitClientCredentialsAsync(run.Id, run.Version, SetupStep.CreateOAuthClient, SimulatorDemo.ClientId, SimulatorDemo.ClientSecret, Ct));

    private static async Task<SetupRun> WithApiKeyAsync(SetupService setup, SetupRun run) =>
        Moved(await setup.SubmitApiKeyAsync(run.Id, run.Version, SimulatorDemo.ApiKey, Ct));

    private static SetupRun Moved(StepOutcome outcome)
    {
        outcome.Succeeded.ShouldBeTrue(outcome.Error);
        return outcome.Snapshot!.Run!;
    }

    [Fact]
    public async Task Wizard_DemoTenant_CompletesEveryStepWithEvidenceAndAudit()
    {
        await using var scope = Helpdesk();
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        var tenantId = await DemoTenantAsync(scope);
        var run = await StartAsync(setup, tenantId);

        var plan = await setup.ConfirmPlanAsync(run.Id, run.Version, SimulatorDemo.GroupId, "Intelligence Integration", Ct);
        plan.Succeeded.ShouldBeTrue(plan.Error);
        run = plan.Snapshot!.Run!;
        var created = await scope.ServiceProvider.GetRequiredService<SimulatorConsole>().CreateOAuthClientAsync(tenantId, "Intelligence-demo", SimulatorDemo.FullRole, Ct);
        var client = await setup.SubmitClientCredentialsAsync(run.Id, run.Version, SetupStep.CreateOAuthClient, created!.Value.ClientId, "  " + created.Value.ClientSecret + "\n", Ct);
        client.Succeeded.ShouldBeTrue(client.Error);
        client.Snapshot!.OAuthClientId.ShouldBe(created.Value.ClientId);
        run = client.Snapshot.Run!;
        var key = await setup.SubmitApiKeyAsync(run.Id, run.Version, SimulatorDemo.ApiKey, Ct);
        key.Succeeded.ShouldBeTrue(key.Error);
        run = key.Snapshot!.Run!;
        var uem = await setup.VerifyAsync(run.Id, run.Version, SetupStep.VerifyUem, Ct);
        uem.Succeeded.ShouldBeTrue(uem.Error);
        uem.Report!.Lines.Select(l => l.Layer).ShouldContain("System info");
        uem.Report.Lines.ShouldContain(l => l.Layer == "Device search" && l.Passed);
        run = uem.Snapshot!.Run!;

        var reveal = await setup.RevealSecretAsync(run.Id, run.Version, Ct);
        reveal.Secret.ShouldBe(created.Value.ClientSecret);
        run = (await setup.LoadAsync(tenantId, Ct))!.Run!;
        (await setup.RevealSecretAsync(run.Id, run.Version, Ct)).Succeeded.ShouldBeFalse(); // once per run
        var intelligence = await setup.ConfirmIntelligenceAsync(run.Id, run.Version, SetupStep.AuthoriseIntelligence, authorisedConfirmed: true, Ct);
        intelligence.Succeeded.ShouldBeTrue(intelligence.Error);
        intelligence.Report.ShouldNotBeNull(); // the demo tenant has an Intelligence service account, so it was verified
        run = intelligence.Snapshot!.Run!;
        var lockResult = await setup.LockTestDeviceAsync(run.Id, run.Version, SimulatorConsole.TestDeviceSerial, SimulatorConsole.TestDeviceSerial, Ct);
        lockResult.Succeeded.ShouldBeTrue(lockResult.Error);
        lockResult.Report!.Lines.ShouldContain(l => l.Layer == "Simulator command log" && l.Passed);
        _portal.Services.GetRequiredService<SimulatorState>().Commands(SimulatorDemo.TenantHostKey).ShouldContain(c => c.Command == "Lock" && c.DeviceId == SimulatorDemo.AntivirusOffDeviceId);
        run = lockResult.Snapshot!.Run!;
        // The portal's own Lock is a permission check: step 6 turns green from the automation's Lock in the event log.
        var intelligenceConsole = scope.ServiceProvider.GetRequiredService<SimulatedIntelligenceConsole>();
        var authorised = await intelligenceConsole.AuthoriseAsync(tenantId, new IntelligenceIntegrationForm(lockResult.Snapshot.UemApiUrl, lockResult.Snapshot.UemTokenUrl, created.Value.ClientId, created.Value.ClientSecret, null), Ct);
        authorised.Succeeded.ShouldBeTrue(authorised.Message);
        (await intelligenceConsole.RunAsync(tenantId, new IntelligenceAutomation("Lock test device", SimulatorConsole.TestDeviceSerial), Ct)).Succeeded.ShouldBeTrue();
        var watched = await setup.WatchAutomationAsync(run.Id, run.Version, SimulatorConsole.TestDeviceSerial, TimeSpan.Zero, Ct);
        watched.Succeeded.ShouldBeTrue(watched.Error);
        run = watched.Snapshot!.Run!;
        var summary = await setup.ConfirmAsync(run.Id, run.Version, SetupStep.Summary, null, Ct);

        summary.Succeeded.ShouldBeTrue(summary.Error);
        summary.Snapshot!.Run!.IsFinished.ShouldBeTrue();
        var status = await scope.ServiceProvider.GetRequiredService<Portal.Features.Status.StatusService>().GetDetailAsync(tenantId, Ct);
        status!.Row.Status.ShouldBe(Portal.Features.Status.ConnectionStatus.Connected); // checked on fresh evidence when the run finished
        summary.Snapshot.Run.Steps.ShouldAllBe(s => s.CompletedBy == "helen" && s.State == StepState.Completed);
        var entries = await AuditAsync(tenantId);
        entries.Count(e => e.Action == SetupActions.StepCompleted).ShouldBe(7);
        entries.ShouldContain(e => e.Action == SetupActions.SecretRevealed && e.Outcome == AuditOutcome.Success);
        entries.ShouldContain(e => e.Action == SetupActions.SecretRevealed && e.Outcome == AuditOutcome.Denied);
        entries.ShouldContain(e => e.Action == SetupActions.LockCommand && e.Outcome == AuditOutcome.Success);
        entries.ShouldContain(e => e.Action == SetupActions.RunFinished);
        string.Join('\n', entries.Select(e => e.DetailsJson)).ShouldNotContain(created.Value.ClientSecret);
        var markdown = (await scope.ServiceProvider.GetRequiredService<RunbookService>().GetAsync(tenantId, export: true, Ct))!.ToMarkdown();
        markdown.ShouldContain(created.Value.ClientId);
        markdown.ShouldContain(scope.ServiceProvider.GetRequiredService<SecretFingerprints>().Of(created.Value.ClientSecret));
        markdown.ShouldNotContain(created.Value.ClientSecret);
        markdown.ShouldNotContain(SimulatorDemo.ApiKey);
    }

    [Fact]
    public async Task ClientStep_WrongSecret_ShowsTheDiagnosisAndStoresNothing()
    {
        await using var scope = Helpdesk();
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        var tenantId = await DemoTenantAsync(scope);
        var run = await PlannedRunAsync(setup, tenantId);

        var outcome = await setup.SubmitClientCredentialsAsync(run.Id, run.Version, SetupStep.CreateOAuthClient, SimulatorDemo.ClientId, "definitely-the-wrong-secret", Ct);

        outcome.Succeeded.ShouldBeFalse();
        outcome.Report!.FirstFailure!.Layer.ShouldBe("Token exchange");
        outcome.Error.ShouldNotBeNullOrWhiteSpace();
        outcome.Snapshot!.OAuthClientId.ShouldBeNull();
        outcome.Snapshot.Secret(TenantSecretKind.UemClientSecret)!.IsSet.ShouldBeFalse();
        outcome.Snapshot.Run!.CurrentStep.ShouldBe(SetupStep.CreateOAuthClient);
    }

    [Fact]
    public async Task ClientStep_ClientFromAnotherRegion_IsRefusedAtTheTokenService()
    {
        await using var scope = Helpdesk();
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        var tenantId = await DemoTenantAsync(scope);
        var run = await PlannedRunAsync(setup, tenantId);

        var outcome = await setup.SubmitClientCredentialsAsync(run.Id, run.Version, SetupStep.CreateOAuthClient, SimulatorDemo.EmeaClientId, SimulatorDemo.EmeaClientSecret, Ct);

        outcome.Succeeded.ShouldBeFalse();
        outcome.Report!.FirstFailure!.Layer.ShouldBe("Token exchange");
        outcome.Error!.ShouldContain("region", Case.Insensitive);
        outcome.Snapshot!.OAuthClientId.ShouldBeNull();
    }

    [Fact]
    public async Task VerifyUem_WeakRole_FailsWithARoleDiagnosis()
    {
        await using var scope = Helpdesk();
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        var tenantId = await DemoTenantAsync(scope);
        var run = await PlannedRunAsync(setup, tenantId);
        var weak = await scope.ServiceProvider.GetRequiredService<SimulatorConsole>().CreateOAuthClientAsync(tenantId, "weak", SimulatorDemo.ReadOnlyRole, Ct);
        run = (await setup.SubmitClientCredentialsAsync(run.Id, run.Version, SetupStep.CreateOAuthClient, weak!.Value.ClientId, weak.Value.ClientSecret, Ct)).Snapshot!.Run!;
        var afterKey = await setup.SubmitApiKeyAsync(run.Id, run.Version, SimulatorDemo.ApiKey, Ct);
        run = afterKey.Snapshot!.Run!;

        var outcome = afterKey.Succeeded ? await setup.VerifyAsync(run.Id, run.Version, SetupStep.VerifyUem, Ct) : afterKey;

        outcome.Succeeded.ShouldBeFalse();
        outcome.Report!.FirstFailure!.Fix!.ShouldContain("role", Case.Insensitive);
    }

    [Fact]
    public async Task Plan_NonCustomerGroupOnceVerifiable_IsRefused()
    {
        await using var scope = Helpdesk();
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        var tenantId = await DemoTenantAsync(scope);
        var run = await PlannedRunAsync(setup, tenantId);
        run = await WithDemoClientAsync(setup, run);

        var outcome = await setup.ConfirmPlanAsync(run.Id, run.Version, SimulatorDemo.ChildGroupId, "Role", Ct);

        outcome.Succeeded.ShouldBeFalse();
        outcome.Error!.ShouldContain("Customer");
        outcome.Snapshot!.Run![SetupStep.CreateOAuthClient].State.ShouldBe(StepState.Completed); // refused: nothing invalidated
    }

    [Fact]
    public async Task VerifyUem_RateLimitedOnce_IsRetriedAndPasses()
    {
        await using var scope = Helpdesk();
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        var tenantId = await DemoTenantAsync(scope);
        var run = await PlannedRunAsync(setup, tenantId);
        run = await WithDemoClientAsync(setup, run);
        run = await WithApiKeyAsync(setup, run);
        var simulator = _portal.Services.GetRequiredService<SimulatorState>();
        simulator.AddFault(new SimFault { Kind = SimFaultKind.RateLimit, Target = SimFaultTarget.UemApi, RetryAfterSeconds = 1, Remaining = 1 });

        var outcome = await setup.VerifyAsync(run.Id, run.Version, SetupStep.VerifyUem, Ct);

        outcome.Succeeded.ShouldBeTrue(outcome.Error);
    }

    [Fact]
    public async Task Steps_ChangingTheClientAfterLaterSteps_InvalidatesThem()
    {
        await using var scope = Helpdesk();
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        var tenantId = await DemoTenantAsync(scope);
        var run = await PlannedRunAsync(setup, tenantId);
        run = await WithDemoClientAsync(setup, run);
        run = await WithApiKeyAsync(setup, run);
        var second = await scope.ServiceProvider.GetRequiredService<SimulatorConsole>().CreateOAuthClientAsync(tenantId, "second", SimulatorDemo.FullRole, Ct);

        var changed = await setup.SubmitClientCredentialsAsync(run.Id, run.Version, SetupStep.CreateOAuthClient, second!.Value.ClientId, second.Value.ClientSecret, Ct);

        changed.Succeeded.ShouldBeTrue(changed.Error);
        changed.Invalidated.ShouldBe([SetupStep.RestApiKey]);
        changed.Snapshot!.Run!.CurrentStep.ShouldBe(SetupStep.RestApiKey);

        // A stale browser tab (old version) cannot move the run on silently.
        var stale = await setup.SubmitApiKeyAsync(run.Id, run.Version, SimulatorDemo.ApiKey, Ct);
        stale.Succeeded.ShouldBeFalse();
        stale.Error!.ShouldContain("Someone else");
    }

    [Fact]
    public async Task Wizard_AuditorOrOutOfScope_IsRefusedOnTheServer()
    {
        int tenantId;
        await using (var helpdesk = Helpdesk())
        {
            tenantId = await DemoTenantAsync(helpdesk);
        }

        await using var auditor = _portal.Services.ScopeFor("alice-auditor", Roles.Auditor);
        var setup = auditor.ServiceProvider.GetRequiredService<SetupService>();
        (await setup.LoadAsync(tenantId, Ct)).ShouldNotBeNull().CanRun.ShouldBeFalse(); // auditors may read progress
        await Should.ThrowAsync<PortalAccessDeniedException>(() => setup.StartAsync(tenantId, SetupRunKind.InitialSetup, Ct));
    }

    private async Task<IReadOnlyList<AuditEntry>> AuditAsync(int tenantId)
    {
        await using var scope = _portal.Services.ScopeFor("auditor", Roles.Auditor);
        var query = scope.ServiceProvider.GetRequiredService<AuditQueryService>();
        var all = new List<AuditEntry>();
        AuditEntriesPage? page = null;
        do
        {
            page = await query.QueryAsync(new AuditFilter { TenantId = tenantId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, page?.OlderThanId, cancellationToken: Ct);
            all.AddRange(page.Entries);
        }
        while (page.HasOlder);

        return all;
    }
}

/// <summary>Rotation: a second client, verified, Intelligence switched, old client disabled: no downtime.</summary>
public sealed class SetupRotationTests : IAsyncLifetime
{
    private readonly PortalAppFactory _portal = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _portal.InitializeAsync();

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task Rotation_AfterAFinishedSetup_SwitchesToTheNewClientAndRecordsTheOldOne()
    {
        await using var scope = _portal.Services.ScopeFor("helen", Roles.Helpdesk);
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        var console = scope.ServiceProvider.GetRequiredService<SimulatorConsole>();
        var tenantId = (await scope.ServiceProvider.GetRequiredService<TenantService>().SearchAsync("Demo Customer", 5, Ct)).Single().Id;
        (await setup.StartAsync(tenantId, SetupRunKind.Rotation, Ct)).Succeeded.ShouldBeFalse(); // nothing to rotate yet

        var run = (await setup.StartAsync(tenantId, SetupRunKind.InitialSetup, Ct)).Snapshot!.Run!;
        foreach (var step in SetupRun.StepsOf(SetupRunKind.InitialSetup))
        {
            var outcome = step switch
            {
                SetupStep.Plan => await setup.ConfirmPlanAsync(run.Id, run.Version, SimulatorDemo.GroupId, "Role", Ct),
                SetupStep.CreateOAuthClient => await setup.SubmitClientCredentialsAsync(run.Id, run.Version, step, SimulatorDemo.ClientId, SimulatorDemo.ClientSecret, Ct),
                SetupStep.Summary => await setup.ConfirmAsync(run.Id, run.Version, step, null, Ct),
                _ => await setup.SkipAsync(run.Id, run.Version, step, "Done with the customer on the phone", Ct),
            };
            outcome.Succeeded.ShouldBeTrue($"{step}: {outcome.Error}");
            run = outcome.Snapshot!.Run!;
        }

        run.IsFinished.ShouldBeTrue();
        var rotation = (await setup.StartAsync(tenantId, SetupRunKind.Rotation, Ct)).Snapshot!.Run!;
        rotation.Kind.ShouldBe(SetupRunKind.Rotation);
        (await setup.ConfirmAsync(rotation.Id, rotation.Version, SetupStep.DisableOldClient, "too early", Ct)).Succeeded.ShouldBeFalse();

        var replacement = await console.CreateOAuthClientAsync(tenantId, "Intelligence-demo-rotated", SimulatorDemo.FullRole, Ct);
        var created = await setup.SubmitClientCredentialsAsync(rotation.Id, rotation.Version, SetupStep.CreateReplacementClient, replacement!.Value.ClientId, replacement.Value.ClientSecret, Ct);
        created.Succeeded.ShouldBeTrue(created.Error);
        created.Snapshot!.OAuthClientId.ShouldBe(replacement.Value.ClientId);
        rotation = created.Snapshot.Run!;
        var verified = await setup.VerifyAsync(rotation.Id, rotation.Version, SetupStep.VerifyReplacementClient, Ct);
        verified.Succeeded.ShouldBeTrue(verified.Error);
        rotation = verified.Snapshot!.Run!;
        var reveal = await setup.RevealSecretAsync(rotation.Id, rotation.Version, Ct);
        reveal.Secret.ShouldBe(replacement.Value.ClientSecret);
        rotation = (await setup.LoadAsync(tenantId, Ct))!.Run!;
        var switched = await setup.ConfirmIntelligenceAsync(rotation.Id, rotation.Version, SetupStep.SwitchIntelligence, true, Ct);
        switched.Succeeded.ShouldBeTrue(switched.Error);
        rotation = switched.Snapshot!.Run!;
        var after = await setup.VerifyAsync(rotation.Id, rotation.Version, SetupStep.VerifyAfterSwitch, Ct);
        after.Succeeded.ShouldBeTrue(after.Error);
        rotation = after.Snapshot!.Run!;
        _portal.Services.GetRequiredService<SimulatorState>().SetClientEnabled(SimulatorDemo.ClientId, false).ShouldBeTrue();
        rotation = (await setup.ConfirmAsync(rotation.Id, rotation.Version, SetupStep.DisableOldClient, "old client disabled", Ct)).Snapshot!.Run!;
        var finished = await setup.ConfirmAsync(rotation.Id, rotation.Version, SetupStep.RotationSummary, null, Ct);

        finished.Snapshot!.Run!.IsFinished.ShouldBeTrue();
        finished.Snapshot.Run[SetupStep.CreateReplacementClient].EvidenceJson!.ShouldContain(SimulatorDemo.ClientId); // the old client, for the disable step
        // The portal still reaches UEM with the new client after the old one is disabled.
        var newRun = (await setup.LoadAsync(tenantId, Ct))!;
        newRun.OAuthClientId.ShouldBe(replacement.Value.ClientId);
    }
}
