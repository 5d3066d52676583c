using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.Features.Setup;

/// <summary>
/// The guided runbook. Progress is saved after every action (database, not the circuit), so a reload or
/// another helpdesk user continues where it stopped. Every verification, confirmation, skip, reveal and
/// lock command is audited; verifications run before anything is stored.
/// </summary>
public sealed class SetupService(
    IDbContextFactory<PortalDbContext> dbFactory,
    TenantService tenants,
    TenantSecretsService secrets,
    TenantScope scope,
    CurrentUser currentUser,
    ISetupVerifier verifier,
    IAuditSink audit,
    TimeProvider clock,
    Status.StatusSweeper sweeper) : ISetupWorkflow
{
    /// <summary>The tenant and its active run (or the latest finished one); null when missing or outside the user's scope.</summary>
    public async Task<SetupSnapshot?> LoadAsync(int tenantId, CancellationToken ct = default)
    {
        var principal = await currentUser.RequireAnyRoleAsync(Roles.Helpdesk, Roles.Admin, Roles.TeamLead, Roles.Auditor);
        var details = await tenants.GetAsync(tenantId, ct);
        if (details is null)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Set<SetupRun>().AsNoTracking().Include(r => r.Steps)
            .Where(r => r.TenantId == tenantId)
            .OrderBy(r => r.FinishedUtc == null ? 0 : 1).ThenByDescending(r => r.StartedUtc)
            .FirstOrDefaultAsync(ct);
        var uemRegionKind = details.Model.UemRegionId is { } uemRegionId
            ? await db.Set<Regions.Region>().AsNoTracking().Where(r => r.Id == uemRegionId).Select(r => (Regions.RegionKind?)r.Kind).FirstOrDefaultAsync(ct)
            : null;
        var intelligenceRegion = details.Model.IntelligenceRegionId is { } regionId
            ? await db.Set<Regions.Region>().AsNoTracking().Where(r => r.Id == regionId).Select(r => r.Code).FirstOrDefaultAsync(ct)
            : null;
        var model = details.Model;
        return new SetupSnapshot(
            tenantId, model.DisplayName, model.CustomerReference, model.UemConsoleUrl, model.UemApiUrl, model.UemTokenUrl,
            model.OrganizationGroupId, model.OrganizationGroupName, model.OAuthClientId, intelligenceRegion,
            !string.IsNullOrEmpty(model.IntelligenceClientId) && details.Secrets.Any(s => s.Kind == TenantSecretKind.IntelligenceClientSecret && s.IsSet),
            details.Secrets, run, principal.IsInRole(Roles.Helpdesk) || principal.IsInRole(Roles.Admin))
        {
            IsSimulated = uemRegionKind == Regions.RegionKind.Simulated,
        };
    }

    /// <summary>Starts a run (or returns the unfinished one: one active run per tenant).</summary>
    public async Task<StepOutcome> StartAsync(int tenantId, SetupRunKind kind, CancellationToken ct = default)
    {
        var actor = await RequireRunnerAsync();
        var snapshot = await LoadAsync(tenantId, ct);
        if (snapshot is null)
        {
            return StepOutcome.Failed("This tenant does not exist or is outside your tenant scope.");
        }

        if (snapshot.Run is { IsFinished: false })
        {
            return new StepOutcome(true, null, null, snapshot);
        }

        if (kind == SetupRunKind.Rotation && snapshot.Run is not { Kind: SetupRunKind.InitialSetup, IsFinished: true })
        {
            return StepOutcome.Failed("Rotation needs a finished set-up first.", snapshot);
        }

        var run = SetupRun.Start(tenantId, kind, actor, Now);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.Add(run);
            await db.SaveChangesAsync(ct);
        }

        await AuditAsync(SetupActions.RunStarted, AuditOutcome.Success, tenantId, new() { ["run"] = run.Id.ToString(), ["kind"] = kind.ToString() }, ct);
        return new StepOutcome(true, null, null, await LoadAsync(tenantId, ct));
    }

    public async Task<OrganizationGroupLookup> LookupOrganizationGroupAsync(int tenantId, string groupId, CancellationToken ct = default)
    {
        await RequireRunnerAsync();
        var lookup = await verifier.LookupOrganizationGroupAsync(tenantId, groupId.Trim(), ct);
        await AuditAsync(SetupActions.StepVerified, lookup.Report.Passed ? AuditOutcome.Success : AuditOutcome.Failure, tenantId,
            new() { ["step"] = nameof(SetupStep.Plan), ["check"] = "organisation group lookup", ["groupId"] = groupId, ["type"] = lookup.Type }, ct);
        return lookup;
    }

    /// <summary>Step 1: the OG must exist and be Customer type; the role name is recorded as guidance evidence.</summary>
    public async Task<StepOutcome> ConfirmPlanAsync(Guid runId, Guid version, string groupId, string roleName, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(roleName) || roleName.Trim().Length > 100)
        {
            return StepOutcome.Failed("Role: enter the name of the UEM admin role the OAuth client will get (at most 100 characters).");
        }

        var run = await FindRunAsync(runId, ct);
        if (run is null)
        {
            return StepOutcome.Failed("This run no longer exists. Reload the page.");
        }

        if (string.IsNullOrWhiteSpace(groupId) || groupId.Trim().Length > 100)
        {
            return StepOutcome.Failed("Organisation group ID: enter the Group ID of the customer's Customer-type group (Groups & Settings → Groups → Organization Groups → Details).", await LoadAsync(run.TenantId, ct));
        }

        var lookup = await LookupOrganizationGroupAsync(run.TenantId, groupId, ct);
        if (lookup.Verifiable && (!lookup.Found || !lookup.IsCustomerType))
        {
            return StepOutcome.Failed(
                !lookup.Found
                    ? lookup.Report.FirstFailure?.Fix ?? "Organisation group: no group with this Group ID. Check it under Groups & Settings → Groups → Organization Groups → Details."
                    : $"Organisation group: '{lookup.Name}' is a {lookup.Type} group. Use the Customer-type group at the top of the customer's tree.",
                await LoadAsync(run.TenantId, ct), lookup.Report);
        }

        await UpdateTenantAsync(run.TenantId, m =>
        {
            m.OrganizationGroupId = groupId.Trim();
            m.OrganizationGroupName = lookup.Name ?? m.OrganizationGroupName;
        }, ct);
        return await CompleteAsync(run, version, SetupStep.Plan, Fingerprint(groupId.Trim(), roleName.Trim()),
            new { organisationGroup = lookup.Name, groupId = groupId.Trim(), lookup.Uuid, lookup.Type, lookup.Verifiable, role = roleName.Trim() }, lookup.Report, ct);
    }

    /// <summary>Step 2 (and rotation step 1): exchange the pasted credentials for a token first; store them only if that works.</summary>
    public async Task<StepOutcome> SubmitClientCredentialsAsync(Guid runId, Guid version, SetupStep step, string clientId, string clientSecret, CancellationToken ct = default)
    {
        if (step is not (SetupStep.CreateOAuthClient or SetupStep.CreateReplacementClient))
        {
            return StepOutcome.Failed("Unknown step.");
        }

        var run = await FindRunAsync(runId, ct);
        if (run is null)
        {
            return StepOutcome.Failed("This run no longer exists. Reload the page.");
        }

        var secretCheck = SecretRules.Check("Client secret", clientSecret);
        if (string.IsNullOrWhiteSpace(clientId) || clientId.Trim().Length > 200 || clientId.Trim().Any(char.IsWhiteSpace))
        {
            return StepOutcome.Failed("Client ID: paste the Client ID shown by UEM after saving the OAuth client (no spaces).", await LoadAsync(run.TenantId, ct));
        }

        if (secretCheck.Error is not null || secretCheck.Value is null)
        {
            return StepOutcome.Failed(secretCheck.Error ?? "Client secret: paste the secret UEM showed once after saving the client.", await LoadAsync(run.TenantId, ct));
        }

        if (!run.CanWorkOn(step))
        {
            return StepOutcome.Failed($"Finish '{StepTitles.Of(run.CurrentStep ?? step)}' first.", await LoadAsync(run.TenantId, ct));
        }

        var previousClientId = (await LoadAsync(run.TenantId, ct))?.OAuthClientId;
        var report = await verifier.VerifyClientCredentialsAsync(run.TenantId, clientId.Trim(), secretCheck.Value, ct);
        await AuditAsync(SetupActions.StepVerified, report.Passed ? AuditOutcome.Success : AuditOutcome.Failure, run.TenantId,
            new() { ["step"] = step.ToString(), ["check"] = "token exchange", ["clientId"] = clientId.Trim(), ["secretFingerprint"] = SecretRules.Fingerprint(secretCheck.Value), ["result"] = report.FirstFailure?.Summary ?? "token issued" }, ct);
        if (!report.Passed)
        {
            return StepOutcome.Failed(report.FirstFailure?.Fix ?? "The token service refused these credentials.", await LoadAsync(run.TenantId, ct), report);
        }

        var saved = await UpdateTenantAsync(run.TenantId, m =>
        {
            m.OAuthClientId = clientId.Trim();
            m.NewUemClientSecret = secretCheck.Value;
        }, ct);
        if (saved is not null)
        {
            return StepOutcome.Failed(saved, await LoadAsync(run.TenantId, ct), report);
        }

        return await CompleteAsync(run, version, step, Fingerprint(clientId.Trim(), SecretRules.Fingerprint(secretCheck.Value)),
            new { clientId = clientId.Trim(), secretFingerprint = SecretRules.Fingerprint(secretCheck.Value), previousClientId, verification = report.Lines }, report, ct);
    }

    /// <summary>Step 3: verify the pasted REST API key, then store it.</summary>
    public async Task<StepOutcome> SubmitApiKeyAsync(Guid runId, Guid version, string apiKey, CancellationToken ct = default)
    {
        var run = await FindRunAsync(runId, ct);
        if (run is null)
        {
            return StepOutcome.Failed("This run no longer exists. Reload the page.");
        }

        var check = SecretRules.Check("REST API key", apiKey);
        if (check.Error is not null || check.Value is null)
        {
            return StepOutcome.Failed(check.Error ?? "REST API key: paste the key from Groups & Settings → All Settings → System → Advanced → API → REST API.", await LoadAsync(run.TenantId, ct));
        }

        if (!run.CanWorkOn(SetupStep.RestApiKey))
        {
            return StepOutcome.Failed($"Finish '{StepTitles.Of(run.CurrentStep ?? SetupStep.RestApiKey)}' first.", await LoadAsync(run.TenantId, ct));
        }

        var report = await verifier.VerifyApiKeyAsync(run.TenantId, check.Value, ct);
        await AuditAsync(SetupActions.StepVerified, report.Passed ? AuditOutcome.Success : AuditOutcome.Failure, run.TenantId,
            new() { ["step"] = nameof(SetupStep.RestApiKey), ["check"] = "REST API key", ["keyFingerprint"] = SecretRules.Fingerprint(check.Value), ["result"] = report.FirstFailure?.Summary ?? "accepted" }, ct);
        if (!report.Passed)
        {
            return StepOutcome.Failed(report.FirstFailure?.Fix ?? "The API key could not be verified.", await LoadAsync(run.TenantId, ct), report);
        }

        var saved = await UpdateTenantAsync(run.TenantId, m => m.NewUemApiKey = check.Value, ct);
        if (saved is not null)
        {
            return StepOutcome.Failed(saved, await LoadAsync(run.TenantId, ct), report);
        }

        return await CompleteAsync(run, version, SetupStep.RestApiKey, Fingerprint(SecretRules.Fingerprint(check.Value)),
            new { keyFingerprint = SecretRules.Fingerprint(check.Value), verification = report.Lines }, report, ct);
    }

    /// <summary>Steps whose proof is a verification over the APIs (UEM end to end, Intelligence).</summary>
    public async Task<StepOutcome> VerifyAsync(Guid runId, Guid version, SetupStep step, CancellationToken ct = default)
    {
        var run = await FindRunAsync(runId, ct);
        if (run is null)
        {
            return StepOutcome.Failed("This run no longer exists. Reload the page.");
        }

        if (!run.CanWorkOn(step))
        {
            return StepOutcome.Failed($"Finish '{StepTitles.Of(run.CurrentStep ?? step)}' first.", await LoadAsync(run.TenantId, ct));
        }

        var report = step switch
        {
            SetupStep.VerifyUem or SetupStep.VerifyReplacementClient => await verifier.VerifyUemEndToEndAsync(run.TenantId, ct),
            SetupStep.VerifyAfterSwitch => await VerifyAfterSwitchAsync(run.TenantId, ct),
            _ => null,
        };
        if (report is null)
        {
            return StepOutcome.Failed("This step is confirmed, not verified.");
        }

        await AuditAsync(SetupActions.StepVerified, report.Passed ? AuditOutcome.Success : AuditOutcome.Failure, run.TenantId,
            new() { ["step"] = step.ToString(), ["lines"] = string.Join("; ", report.Lines.Select(l => $"{l.Layer}: {(l.Passed ? "ok" : "FAILED")} {l.Summary}")) }, ct);
        if (!report.Passed)
        {
            return StepOutcome.Failed(report.FirstFailure?.Fix ?? "Verification failed.", await LoadAsync(run.TenantId, ct), report);
        }

        var snapshot = await LoadAsync(run.TenantId, ct);
        return await CompleteAsync(run, version, step, Fingerprint(snapshot?.OAuthClientId ?? "", snapshot?.Secret(TenantSecretKind.UemClientSecret)?.Fingerprint ?? ""),
            new { verification = report.Lines }, report, ct);
    }

    /// <summary>Step 5 (and rotation step 3): the user confirms Intelligence shows "Authorised"; Intelligence API access is verified when credentials exist.</summary>
    public async Task<StepOutcome> ConfirmIntelligenceAsync(Guid runId, Guid version, SetupStep step, bool authorisedConfirmed, CancellationToken ct = default)
    {
        var run = await FindRunAsync(runId, ct);
        if (run is null)
        {
            return StepOutcome.Failed("This run no longer exists. Reload the page.");
        }

        if (!authorisedConfirmed)
        {
            return StepOutcome.Failed("Confirm that Intelligence shows the integration as Authorised (green tick).", await LoadAsync(run.TenantId, ct));
        }

        var snapshot = await LoadAsync(run.TenantId, ct);
        VerificationReport? report = null;
        if (snapshot is { HasIntelligenceCredentials: true })
        {
            report = await verifier.VerifyIntelligenceAsync(run.TenantId, ct);
            await AuditAsync(SetupActions.StepVerified, report.Passed ? AuditOutcome.Success : AuditOutcome.Failure, run.TenantId,
                new() { ["step"] = step.ToString(), ["check"] = "Intelligence API and opt-in", ["result"] = report.FirstFailure?.Summary ?? "ok" }, ct);
            if (!report.Passed)
            {
                return StepOutcome.Failed(report.FirstFailure?.Fix ?? "Intelligence could not be verified.", snapshot, report);
            }
        }

        return await CompleteAsync(run, version, step, Fingerprint(snapshot?.OAuthClientId ?? "", "authorised"),
            new { confirmedAuthorised = true, intelligenceVerified = report is not null }, report, ct);
    }

    /// <summary>Step 6: lock the test device; the user must type the serial number twice-over (confirmation).</summary>
    public async Task<StepOutcome> LockTestDeviceAsync(Guid runId, Guid version, string serialNumber, string confirmation, CancellationToken ct = default)
    {
        var run = await FindRunAsync(runId, ct);
        if (run is null)
        {
            return StepOutcome.Failed("This run no longer exists. Reload the page.");
        }

        var serial = serialNumber.Trim();
        if (serial.Length is 0 or > 64 || serial.Any(char.IsControl))
        {
            return StepOutcome.Failed("Serial number: enter the test device's serial number as shown in UEM.", await LoadAsync(run.TenantId, ct));
        }

        if (!string.Equals(serial, confirmation.Trim(), StringComparison.Ordinal))
        {
            return StepOutcome.Failed("Confirmation: type the same serial number again to confirm the lock command.", await LoadAsync(run.TenantId, ct));
        }

        if (!run.CanWorkOn(SetupStep.ProveAutomation))
        {
            return StepOutcome.Failed($"Finish '{StepTitles.Of(run.CurrentStep ?? SetupStep.ProveAutomation)}' first.", await LoadAsync(run.TenantId, ct));
        }

        var report = await verifier.LockTestDeviceAsync(run.TenantId, serial, ct);
        await AuditAsync(SetupActions.LockCommand, report.Passed ? AuditOutcome.Success : AuditOutcome.Failure, run.TenantId,
            new() { ["serialNumber"] = serial, ["result"] = string.Join("; ", report.Lines.Select(l => l.Summary)) }, ct);
        if (!report.Passed)
        {
            return StepOutcome.Failed(report.FirstFailure?.Fix ?? "The lock command was not accepted.", await LoadAsync(run.TenantId, ct), report);
        }

        return await CompleteAsync(run, version, SetupStep.ProveAutomation, Fingerprint(serial), new { lockedSerial = serial, verification = report.Lines }, report, ct);
    }

    /// <summary>Human-confirmed steps (automation proven in Intelligence, old client disabled, summaries).</summary>
    public async Task<StepOutcome> ConfirmAsync(Guid runId, Guid version, SetupStep step, string? note, CancellationToken ct = default)
    {
        if (step is not (SetupStep.ProveAutomation or SetupStep.DisableOldClient or SetupStep.Summary or SetupStep.RotationSummary))
        {
            return StepOutcome.Failed("This step needs a verification, not a confirmation.");
        }

        var run = await FindRunAsync(runId, ct);
        if (run is null)
        {
            return StepOutcome.Failed("This run no longer exists. Reload the page.");
        }

        var outcome = await CompleteAsync(run, version, step, Fingerprint(note ?? ""), new { confirmed = true, note = note?.Trim() }, null, ct);
        if (outcome.Succeeded && outcome.Snapshot?.Run is { IsFinished: true } finished)
        {
            await AuditAsync(SetupActions.RunFinished, AuditOutcome.Success, run.TenantId,
                new() { ["run"] = finished.Id.ToString(), ["kind"] = finished.Kind.ToString(), ["startedBy"] = finished.StartedBy }, ct);

            // Check the finished connection now, so the status board shows Connected on fresh evidence at once.
            await sweeper.SweepAsync([run.TenantId], ct);
        }

        return outcome;
    }

    /// <summary>"Already done in console": only the current step, only with a reason; audited.</summary>
    public async Task<StepOutcome> SkipAsync(Guid runId, Guid version, SetupStep step, string reason, CancellationToken ct = default)
    {
        var actor = await RequireRunnerAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await LoadTrackedRunAsync(db, runId, ct);
        if (run is null)
        {
            return StepOutcome.Failed("This run no longer exists. Reload the page.");
        }

        var result = run.Skip(step, actor, Now, reason);
        if (!result.Succeeded)
        {
            return StepOutcome.Failed(result.Error!, await LoadAsync(run.TenantId, ct));
        }

        var conflict = await SaveRunAsync(db, run, version, ct);
        if (conflict is not null)
        {
            return StepOutcome.Failed(conflict, await LoadAsync(run.TenantId, ct));
        }

        await AuditAsync(SetupActions.StepSkipped, AuditOutcome.Success, run.TenantId, new() { ["step"] = step.ToString(), ["reason"] = reason.Trim() }, ct);
        return new StepOutcome(true, null, null, await LoadAsync(run.TenantId, ct));
    }

    /// <summary>Re-reveals the stored client secret once per run, to the user on the Intelligence step; audited.</summary>
    public async Task<SecretReveal> RevealSecretAsync(Guid runId, Guid version, CancellationToken ct = default)
    {
        var actor = await RequireRunnerAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await LoadTrackedRunAsync(db, runId, ct);
        if (run is null)
        {
            return new SecretReveal(false, "This run no longer exists. Reload the page.", null);
        }

        var allowed = run.RevealSecret(actor, Now);
        if (!allowed.Succeeded)
        {
            await AuditAsync(SetupActions.SecretRevealed, AuditOutcome.Denied, run.TenantId, new() { ["reason"] = allowed.Error }, ct);
            return new SecretReveal(false, allowed.Error, null);
        }

        var credentials = await secrets.GetForApiCallAsync(run.TenantId, "one-time reveal for Intelligence", ct);
        if (credentials?.UemClientSecret is not { } secret)
        {
            return new SecretReveal(false, credentials?.UnreadableMessage ?? "No client secret is stored for this tenant.", null);
        }

        var conflict = await SaveRunAsync(db, run, version, ct);
        if (conflict is not null)
        {
            return new SecretReveal(false, conflict, null);
        }

        await AuditAsync(SetupActions.SecretRevealed, AuditOutcome.Success, run.TenantId, new() { ["secretFingerprint"] = secret.Fingerprint, ["run"] = run.Id.ToString() }, ct);
        return new SecretReveal(true, null, secret.Reveal());
    }

    private async Task<VerificationReport> VerifyAfterSwitchAsync(int tenantId, CancellationToken ct)
    {
        var uem = await verifier.VerifyUemEndToEndAsync(tenantId, ct);
        var snapshot = await LoadAsync(tenantId, ct);
        if (!uem.Passed || snapshot is not { HasIntelligenceCredentials: true })
        {
            return uem;
        }

        var intelligence = await verifier.VerifyIntelligenceAsync(tenantId, ct);
        return new VerificationReport([.. uem.Lines, .. intelligence.Lines]);
    }

    private async Task<StepOutcome> CompleteAsync(SetupRun detached, Guid version, SetupStep step, string inputsFingerprint, object evidence, VerificationReport? report, CancellationToken ct)
    {
        var actor = await RequireRunnerAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await LoadTrackedRunAsync(db, detached.Id, ct);
        if (run is null)
        {
            return StepOutcome.Failed("This run no longer exists. Reload the page.");
        }

        var result = run.Complete(step, actor, Now, inputsFingerprint, JsonSerializer.Serialize(evidence));
        if (!result.Succeeded)
        {
            return StepOutcome.Failed(result.Error!, await LoadAsync(run.TenantId, ct), report);
        }

        var conflict = await SaveRunAsync(db, run, version, ct);
        if (conflict is not null)
        {
            return StepOutcome.Failed(conflict, await LoadAsync(run.TenantId, ct), report);
        }

        await AuditAsync(SetupActions.StepCompleted, AuditOutcome.Success, run.TenantId, new()
        {
            ["step"] = step.ToString(),
            ["run"] = run.Id.ToString(),
            ["invalidated"] = result.Invalidated.Count == 0 ? null : string.Join(",", result.Invalidated),
        }, ct);
        return new StepOutcome(true, null, report, await LoadAsync(run.TenantId, ct), result.Invalidated);
    }

    private static async Task<string?> SaveRunAsync(PortalDbContext db, SetupRun run, Guid expectedVersion, CancellationToken ct)
    {
        if (run.Version != expectedVersion)
        {
            return "Someone else moved this run on while you were working. The page now shows the latest state.";
        }

        run.Version = Guid.NewGuid();
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return "Someone else moved this run on while you were working. The page now shows the latest state.";
        }
    }

    private static Task<SetupRun?> LoadTrackedRunAsync(PortalDbContext db, Guid runId, CancellationToken ct) =>
        db.Set<SetupRun>().Include(r => r.Steps).FirstOrDefaultAsync(r => r.Id == runId, ct);

    /// <summary>The run, if its tenant is inside the user's scope (the scope check refuses and audits otherwise).</summary>
    private async Task<SetupRun?> FindRunAsync(Guid runId, CancellationToken ct)
    {
        await RequireRunnerAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Set<SetupRun>().AsNoTracking().Include(r => r.Steps).FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null)
        {
            return null;
        }

        var filter = await scope.GetAsync(ct);
        if (!await filter.Apply(db.Set<Tenant>()).AnyAsync(t => t.Id == run.TenantId, ct))
        {
            await scope.ReportDeniedAsync(filter, run.TenantId, "wizard.access", ct);
            return null;
        }

        return run;
    }

    /// <summary>Saves values into the tenant through the tenant service (validation, encryption, audit); returns an error or null.</summary>
    private async Task<string?> UpdateTenantAsync(int tenantId, Action<TenantEditModel> change, CancellationToken ct)
    {
        var details = await tenants.GetAsync(tenantId, ct);
        if (details is null)
        {
            return "This tenant does not exist or is outside your tenant scope.";
        }

        var model = details.Model;
        change(model);
        var result = await tenants.UpdateAsync(tenantId, model, ct);
        return result.Status == TenantSaveStatus.Saved
            ? null
            : result.Errors.Count > 0 ? string.Join(" ", result.Errors.SelectMany(e => e.Value)) : result.Message;
    }

    private async Task<string> RequireRunnerAsync() =>
        (await currentUser.RequireAnyRoleAsync(Roles.Helpdesk, Roles.Admin)).Identity?.Name ?? "unknown";

    private Task AuditAsync(string action, AuditOutcome outcome, int tenantId, Dictionary<string, string?> details, CancellationToken ct) =>
        audit.WriteAsync(new AuditEvent(action, outcome, tenantId, details), ct);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private static string Fingerprint(params string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\u001f", parts))))[..32];
}
