using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Setup;
using Portal.Features.Tenants;
using Portal.Features.Users;
using Portal.IntegrationTests.Infrastructure;
using Portal.Simulator;

namespace Portal.IntegrationTests.Features.Validation;

/// <summary>Text typed in the runbook (skip reason, role name) follows the same rule; a refusal leaves the run as it was.</summary>
public sealed class WizardTextValidationTests : IAsyncLifetime
{
    private readonly PortalAppFactory _portal = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _portal.InitializeAsync();

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    private async Task<(AsyncServiceScope Scope, SetupService Setup, int TenantId)> DemoAsync()
    {
        var scope = _portal.Services.ScopeFor("helen", Roles.Helpdesk);
        var tenantId = (await scope.ServiceProvider.GetRequiredService<TenantService>().SearchAsync("Demo Customer", 5, Ct)).Single().Id;
        return (scope, scope.ServiceProvider.GetRequiredService<SetupService>(), tenantId);
    }

    private async Task<SetupStepRecord> StoredStepAsync(Guid runId, SetupStep step)
    {
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        var run = await db.Set<SetupRun>().AsNoTracking().Include(r => r.Steps).SingleAsync(r => r.Id == runId, Ct);
        return run[step];
    }

    [Theory]
    [InlineData("Done by Bob \u202Ein console", "Reason contains an invisible control or text-direction character (U+202E); remove it.")]
    [InlineData("Done by Bob\0 in the console", "Reason contains an invisible control or text-direction character (U+0000); remove it.")]
    [InlineData(null, "Reason must be at most 500 characters (it has 5000).")]
    public async Task SkipReason_BadText_Refused_StepStaysOpen_NothingAudited(string? reason, string message)
    {
        var (scope, setup, tenantId) = await DemoAsync();
        await using var _ = scope;
        var started = await setup.StartAsync(tenantId, SetupRunKind.InitialSetup, Ct);
        var run = started.Snapshot!.Run!;
        var planned = await setup.ConfirmPlanAsync(run.Id, run.Version, SimulatorDemo.GroupId, "Intelligence Integration", Ct);
        planned.Succeeded.ShouldBeTrue(planned.Error);
        run = planned.Snapshot!.Run!;

        var outcome = await setup.SkipAsync(run.Id, run.Version, SetupStep.CreateOAuthClient, reason ?? new string('r', 5000), Ct);

        outcome.Succeeded.ShouldBeFalse();
        outcome.Error.ShouldBe(message);
        var stored = await StoredStepAsync(run.Id, SetupStep.CreateOAuthClient);
        stored.State.ShouldBe(StepState.Pending);
        stored.SkipReason.ShouldBeNull();
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        (await db.Set<AuditEntry>().AnyAsync(e => e.Action == SetupActions.StepSkipped, Ct)).ShouldBeFalse();

        // The same reason without the bad part goes through: the refusal was about the text, not the step.
        (await setup.SkipAsync(run.Id, run.Version, SetupStep.CreateOAuthClient, "Done by Bob in the console, ticket 42", Ct)).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public async Task PlanRoleName_TextDirectionCharacter_Refused_PlanNotConfirmed()
    {
        var (scope, setup, tenantId) = await DemoAsync();
        await using var _ = scope;
        var run = (await setup.StartAsync(tenantId, SetupRunKind.InitialSetup, Ct)).Snapshot!.Run!;

        var outcome = await setup.ConfirmPlanAsync(run.Id, run.Version, SimulatorDemo.GroupId, "Intelligence \u202EIntegration", Ct);

        outcome.Succeeded.ShouldBeFalse();
        outcome.Error.ShouldBe("Admin role for the client contains an invisible control or text-direction character (U+202E); remove it.");
        (await StoredStepAsync(run.Id, SetupStep.Plan)).State.ShouldNotBe(StepState.Completed);
    }
}
