using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Setup.Pipeline;
using Portal.Features.Setup.Steps.ApiKey;
using Portal.Features.Setup.Steps.Automation;
using Portal.Features.Setup.Steps.Client;
using Portal.Features.Setup.Steps.Confirm;
using Portal.Features.Setup.Steps.Intelligence;
using Portal.Features.Setup.Steps.Plan;
using Portal.Features.Setup.Steps.Skip;
using Portal.Features.Setup.Steps.Verify;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.Features.Setup;

/// <summary>
/// The guided runbook. Progress is saved after every action (database, not the circuit), so a reload or another
/// helpdesk user continues where it stopped. Each action is one step handler run by the <see cref="SetupStepPipeline"/>;
/// this class only names them for the components.
/// </summary>
public sealed class SetupService(
    IDbContextFactory<PortalDbContext> dbFactory,
    SetupStepPipeline pipeline,
    TenantSecretsService secrets,
    TenantScope scope,
    CurrentUser currentUser,
    ISetupVerifier verifier,
    IAuditSink audit,
    TimeProvider clock) : ISetupWorkflow
{
    /// <summary>The tenant and its active run (or the latest finished one); null when missing or outside the user's scope.</summary>
    public async Task<SetupSnapshot?> LoadAsync(int tenantId, CancellationToken ct = default)
    {
        var principal = await currentUser.RequireAnyRoleAsync(Roles.Readers);
        var filter = await scope.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await filter.Apply(db.Set<Tenant>().AsNoTracking()).FirstOrDefaultAsync(t => t.Id == tenantId, ct);
        if (tenant is null)
        {
            if (await db.Set<Tenant>().AnyAsync(t => t.Id == tenantId, ct))
            {
                await scope.ReportDeniedAsync(filter, tenantId, "tenant.read", ct);
            }

            return null;
        }

        var run = await db.Set<SetupRun>().AsNoTracking().Include(r => r.Steps)
            .Where(r => r.TenantId == tenantId)
            .OrderBy(r => r.FinishedUtc == null ? 0 : 1).ThenByDescending(r => r.StartedUtc)
            .FirstOrDefaultAsync(ct);
        return SetupSnapshot.Of(tenant, await secrets.ReadAsync(tenant, ct), run, principal.IsInRole(Roles.Helpdesk) || principal.IsInRole(Roles.Admin));
    }

    /// <summary>Starts a run (or returns the unfinished one: one active run per tenant).</summary>
    public async Task<StepOutcome> StartAsync(int tenantId, SetupRunKind kind, CancellationToken ct = default)
    {
        var actor = await SetupStepPipeline.RequireRunnerAsync(currentUser);
        var snapshot = await LoadAsync(tenantId, ct);
        if (snapshot is null)
        {
            return StepOutcome.Failed("This tenant does not exist or is outside your tenant scope.");
        }

        if (snapshot.Run is { IsFinished: false })
        {
            return new StepOutcome(true, null, null, snapshot);
        }

        // The latest run is finished here; a finished rotation is as good a start for the next rotation as the set-up.
        if (kind == SetupRunKind.Rotation && snapshot.Run is not { IsFinished: true })
        {
            return StepOutcome.Failed("Rotation needs a finished set-up first.", snapshot);
        }

        var run = SetupRun.Start(tenantId, kind, actor, clock.GetUtcNow().UtcDateTime);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.Add(run);
            await db.SaveChangesAsync(ct);
        }

        await audit.WriteAsync(new AuditEvent(SetupActions.RunStarted, AuditOutcome.Success, tenantId,
            new Dictionary<string, string?> { ["run"] = run.Id.ToString(), ["kind"] = kind.ToString() }) { TenantName = snapshot.TenantName }, ct);
        return new StepOutcome(true, null, null, snapshot with { Run = run });
    }

    public async Task<OrganizationGroupLookup> LookupOrganizationGroupAsync(int tenantId, string groupId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        await SetupStepPipeline.RequireRunnerAsync(currentUser);
        var credentials = await secrets.GetForApiCallAsync(tenantId, "wizard verification", ct);
        var lookup = credentials is null
            ? await verifier.LookupOrganizationGroupAsync(null, groupId.Trim(), ct)
            : await PlanHandler.LookupAsync(verifier, credentials, groupId.Trim(), ct);
        await PlanHandler.AuditLookupAsync((action, outcome, details, token) =>
            audit.WriteAsync(new AuditEvent(action, outcome, tenantId, details) { TenantName = credentials?.TenantName }, token), groupId, lookup, ct);
        return lookup;
    }

    /// <summary>Runs any registered step handler: a new step needs no method here.</summary>
    public Task<StepOutcome> RunStepAsync<TInput>(Guid runId, Guid version, SetupStep step, TInput input, CancellationToken ct = default)
        where TInput : notnull =>
        pipeline.RunAsync(runId, version, step, input, ct);

    public Task<StepOutcome> ConfirmPlanAsync(Guid runId, Guid version, string groupId, string roleName, CancellationToken ct = default) =>
        RunStepAsync(runId, version, SetupStep.Plan, new PlanInput(groupId, roleName), ct);

    public Task<StepOutcome> SubmitClientCredentialsAsync(Guid runId, Guid version, SetupStep step, string clientId, string clientSecret, CancellationToken ct = default) =>
        RunStepAsync(runId, version, step, new ClientCredentialsInput(clientId, clientSecret), ct);

    public Task<StepOutcome> SubmitApiKeyAsync(Guid runId, Guid version, string apiKey, CancellationToken ct = default) =>
        RunStepAsync(runId, version, SetupStep.RestApiKey, new ApiKeyInput(apiKey), ct);

    public Task<StepOutcome> VerifyAsync(Guid runId, Guid version, SetupStep step, CancellationToken ct = default) =>
        RunStepAsync(runId, version, step, new VerifyInput(), ct);

    public Task<StepOutcome> ConfirmIntelligenceAsync(Guid runId, Guid version, SetupStep step, bool authorisedConfirmed, CancellationToken ct = default) =>
        RunStepAsync(runId, version, step, new IntelligenceInput(authorisedConfirmed), ct);

    public Task<StepOutcome> LockTestDeviceAsync(Guid runId, Guid version, string serialNumber, string confirmation, CancellationToken ct = default) =>
        RunStepAsync(runId, version, SetupStep.ProveAutomation, new LockDeviceInput(serialNumber, confirmation), ct);

    public Task<StepOutcome> WatchAutomationAsync(Guid runId, Guid version, string serialNumber, TimeSpan wait, CancellationToken ct = default) =>
        RunStepAsync(runId, version, SetupStep.ProveAutomation, new WatchAutomationInput(serialNumber, wait), ct);

    public Task<StepOutcome> RecheckForIntelligenceAsync(Guid runId, Guid version, SetupStep step, CancellationToken ct = default) =>
        RunStepAsync(runId, version, step, new IntelligenceRecheckInput(), ct);

    public Task<StepOutcome> ConfirmAsync(Guid runId, Guid version, SetupStep step, string? note, CancellationToken ct = default) =>
        RunStepAsync(runId, version, step, new ConfirmInput(note), ct);

    public Task<StepOutcome> SkipAsync(Guid runId, Guid version, SetupStep step, string reason, CancellationToken ct = default) =>
        RunStepAsync(runId, version, step, new SkipInput(reason), ct);

    public async Task<SecretReveal> RevealSecretAsync(Guid runId, Guid version, CancellationToken ct = default)
    {
        string? secret = null;
        var outcome = await RunStepAsync(runId, version, SetupStep.AuthoriseIntelligence, new RevealSecretInput(revealed => secret = revealed), ct);
        return outcome.Succeeded ? new SecretReveal(true, null, secret) : new SecretReveal(false, outcome.Error, null);
    }
}
