using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Setup;
using Portal.Features.Status;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;
using Portal.Simulator;

namespace Portal.IntegrationTests.Features.Status;

/// <summary>The sweep with the real Workspace ONE probe against the built-in simulator over loopback HTTP.</summary>
public sealed class RealProbeSweepTests : IAsyncLifetime
{
    private readonly PortalAppFactory _portal = new PortalAppFactory().WithSetting("Status:SweepEnabled", "false");
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
        foreach (var step in new[] { SetupStep.VerifyUem, SetupStep.AuthoriseIntelligence, SetupStep.ProveAutomation })
        {
            run = (await setup.SkipAsync(run.Id, run.Version, step, "Done earlier in the consoles", Ct)).Snapshot!.Run!;
        }

        (await setup.ConfirmAsync(run.Id, run.Version, SetupStep.Summary, null, Ct)).Snapshot!.Run!.IsFinished.ShouldBeTrue();
    }

    [Fact]
    public async Task Sweep_UnfinishedRunbook_ShowsSetupInProgressWithTheStep()
    {
        await using var scope = _portal.Services.ScopeFor("helen", Roles.Helpdesk);
        var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
        (await setup.StartAsync(_tenantId, SetupRunKind.Rotation, Ct)).Succeeded.ShouldBeTrue();

        var row = await SweepAsync();
        await using var lead = _portal.Services.ScopeFor("tess", Roles.TeamLead);
        var detail = await lead.ServiceProvider.GetRequiredService<StatusService>().GetDetailAsync(_tenantId, Ct);

        row.Status.ShouldBe(ConnectionStatus.SetupInProgress);
        detail!.SetupStepInProgress.ShouldBe(StepTitles.Of(SetupStep.CreateReplacementClient));
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    private async Task<StatusBoardRow> SweepAsync()
    {
        var statuses = await _portal.Services.GetRequiredService<StatusSweeper>().SweepAsync([_tenantId], Ct);
        statuses.ShouldContainKey(_tenantId);
        await using var scope = _portal.Services.ScopeFor("tess", Roles.TeamLead);
        return (await scope.ServiceProvider.GetRequiredService<StatusService>().GetDetailAsync(_tenantId, Ct))!.Row;
    }

    [Fact]
    public async Task Sweep_HealthyDemoTenant_IsConnectedOnAllFourLayersAndReusesItsToken()
    {
        var simulator = _portal.Services.GetRequiredService<SimulatorState>();
        simulator.ClearRequestLog();

        var first = await SweepAsync();
        var tokensAfterFirst = simulator.CountRequests("/connect/token");
        var second = await SweepAsync();

        first.Status.ShouldBe(ConnectionStatus.Connected, first.Diagnosis);
        first.Cells.Select(c => c.Layer).ShouldBe([ConnectionLayer.UemToken, ConnectionLayer.UemApi, ConnectionLayer.ApiKey, ConnectionLayer.Intelligence], ignoreOrder: true);
        first.Cells.ShouldAllBe(c => c.Outcome == CheckOutcome.Passed);
        second.Status.ShouldBe(ConnectionStatus.Connected);
        simulator.CountRequests("/connect/token").ShouldBe(tokensAfterFirst); // cached: no token request within the token lifetime
    }

    [Fact]
    public async Task Sweep_ServerErrorsFromUem_MakeTheTenantDegraded()
    {
        (await SweepAsync()).Status.ShouldBe(ConnectionStatus.Connected);
        _portal.Services.GetRequiredService<SimulatorState>().AddFault(new SimFault { Kind = SimFaultKind.ServerError, Target = SimFaultTarget.UemApi, StatusCode = 503 });

        var row = await SweepAsync();

        row.Status.ShouldBe(ConnectionStatus.Degraded, row.Diagnosis);
        _portal.Services.GetRequiredService<SimulatorState>().ClearFaults();
    }

    [Fact]
    public async Task Sweep_ClientDisabledInUem_NeedsReauthorisation()
    {
        (await SweepAsync()).Status.ShouldBe(ConnectionStatus.Connected);
        var simulator = _portal.Services.GetRequiredService<SimulatorState>();
        simulator.SetClientEnabled(SimulatorDemo.ClientId, false).ShouldBeTrue();
        simulator.ExpireAllTokens(); // the cached token dies too, as it would after an hour

        var row = await SweepAsync();

        row.Status.ShouldBe(ConnectionStatus.NeedsReauthorisation, row.Diagnosis);
        // The cached token still "passes" locally; the first API call is refused and the refresh gets invalid_client.
        row.Cells.ShouldContain(c => c.Outcome == CheckOutcome.CredentialsRejected);
        simulator.SetClientEnabled(SimulatorDemo.ClientId, true);
    }
}
