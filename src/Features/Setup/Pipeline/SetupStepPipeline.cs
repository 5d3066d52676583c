using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.Features.Setup.Pipeline;

/// <summary>
/// The skeleton every runbook action shares, written once: find the run within the user's scope; check its version
/// and the step order; read the tenant and its credentials once (one decrypt per secret); let the step's handler work;
/// audit; complete and save; build the snapshot once.
/// </summary>
public sealed class SetupStepPipeline(
    IDbContextFactory<PortalDbContext> dbFactory,
    IEnumerable<ISetupStepHandler> handlers,
    TenantSecretsService secrets,
    TenantScope scope,
    CurrentUser currentUser,
    IAuditSink audit,
    TimeProvider clock,
    Status.StatusSweeper sweeper)
{
    public const string RunGone = "This run no longer exists. Reload the page.";

    public const string MovedOn = "Someone else moved this run on while you were working. The page now shows the latest state.";

    /// <summary>Runs <paramref name="step"/> with the handler registered for <typeparamref name="TInput"/>.</summary>
    public async Task<StepOutcome> RunAsync<TInput>(Guid runId, Guid version, SetupStep step, TInput input, CancellationToken ct)
        where TInput : notnull
    {
        var handler = handlers.SingleOrDefault(h => h.InputType == typeof(TInput))
            ?? throw new InvalidOperationException($"No setup step handler is registered for {typeof(TInput).Name} (SetupFeature.AddSetupStep).");
        var actor = await RequireRunnerAsync(currentUser);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Set<SetupRun>().Include(r => r.Steps).FirstOrDefaultAsync(r => r.Id == runId, ct);
        var tenant = run is null ? null : await TenantInScopeAsync(db, run.TenantId, ct);
        if (run is null || tenant is null)
        {
            return StepOutcome.Failed(RunGone);
        }

        var credentials = await secrets.ReadAsync(tenant, ct);
        var context = new StepContext(run, tenant, credentials, actor, clock.GetUtcNow().UtcDateTime, step, new(audit, secrets, token => SaveAsync(db, run, token)));
        var refusal = handler.Validate(step, input)
            ?? (run.Version != version ? MovedOn : null)
            ?? (handler.ChecksOrder && !run.CanWorkOn(step) ? $"Finish '{StepTitles.Of(run.CurrentStep ?? step)}' first." : null);
        if (refusal is not null)
        {
            return StepOutcome.Failed(refusal, Snapshot(run, credentials, tenant));
        }

        var decision = await handler.HandleAsync(context, input, ct);
        if (decision.TenantChanged)
        {
            tenant = await TenantInScopeAsync(db, tenant.Id, ct) ?? tenant;
            credentials = await secrets.ReadAsync(tenant, ct);
        }

        if (decision.Error is not null)
        {
            if (decision.SavesRunOnRefusal)
            {
                await SaveAsync(db, run, ct);
            }

            return StepOutcome.Failed(decision.Error, Snapshot(run, credentials, tenant), decision.Report);
        }

        if (decision.InformsOnly)
        {
            return new StepOutcome(true, null, decision.Report, Snapshot(run, credentials, tenant));
        }

        IReadOnlyList<SetupStep> invalidated = [];
        if (decision.Completes)
        {
            var result = run.Complete(step, actor, context.Now, decision.InputsFingerprint!, JsonSerializer.Serialize(decision.Evidence));
            if (!result.Succeeded)
            {
                return StepOutcome.Failed(result.Error!, Snapshot(run, credentials, tenant), decision.Report);
            }

            invalidated = result.Invalidated;
        }

        if (!await SaveAsync(db, run, ct))
        {
            return StepOutcome.Failed(MovedOn, Snapshot(await ReloadAsync(run.Id, ct) ?? run, credentials, tenant), decision.Report);
        }

        if (decision.Completes)
        {
            await CompletedAsync(context, invalidated, ct);
        }

        if (decision.AfterSave is { } afterSave)
        {
            await afterSave(ct);
        }

        return new StepOutcome(true, null, decision.Report, Snapshot(run, credentials, tenant), invalidated);
    }

    public static async Task<string> RequireRunnerAsync(CurrentUser currentUser)
    {
        ArgumentNullException.ThrowIfNull(currentUser);
        return (await currentUser.RequireAnyRoleAsync(Roles.Helpdesk, Roles.Admin)).Identity?.Name ?? "unknown";
    }

    private async Task CompletedAsync(StepContext context, IReadOnlyList<SetupStep> invalidated, CancellationToken ct)
    {
        var run = context.Run;
        await context.AuditAsync(SetupActions.StepCompleted, AuditOutcome.Success, new()
        {
            ["step"] = context.Step.ToString(),
            ["run"] = run.Id.ToString(),
            ["invalidated"] = invalidated.Count == 0 ? null : string.Join(",", invalidated),
        }, ct);
        if (run.IsFinished)
        {
            await context.AuditAsync(SetupActions.RunFinished, AuditOutcome.Success,
                new() { ["run"] = run.Id.ToString(), ["kind"] = run.Kind.ToString(), ["startedBy"] = run.StartedBy }, ct);

            // Check the finished connection now, so the status board shows Connected on fresh evidence at once.
            await sweeper.SweepAsync([run.TenantId], ct);
        }
    }

    /// <summary>The tenant, if inside the user's scope (the scope check refuses and audits otherwise).</summary>
    private async Task<Tenant?> TenantInScopeAsync(PortalDbContext db, int tenantId, CancellationToken ct)
    {
        var filter = await scope.GetAsync(ct);
        var tenant = await filter.Apply(db.Set<Tenant>().AsNoTracking()).FirstOrDefaultAsync(t => t.Id == tenantId, ct);
        if (tenant is null)
        {
            await scope.ReportDeniedAsync(filter, tenantId, "wizard.access", ct);
        }

        return tenant;
    }

    private static async Task<bool> SaveAsync(PortalDbContext db, SetupRun run, CancellationToken ct)
    {
        run.Version = Guid.NewGuid();
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    private async Task<SetupRun?> ReloadAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<SetupRun>().AsNoTracking().Include(r => r.Steps).FirstOrDefaultAsync(r => r.Id == runId, ct);
    }

    private static SetupSnapshot Snapshot(SetupRun run, TenantApiCredentials credentials, Tenant tenant) =>
        SetupSnapshot.Of(tenant, credentials, run, canRun: true);
}
