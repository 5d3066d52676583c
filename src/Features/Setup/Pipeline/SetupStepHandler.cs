using System.Security.Cryptography;
using System.Text;
using Portal.Features.Audit;
using Portal.Features.Tenants;

namespace Portal.Features.Setup.Pipeline;

/// <summary>
/// One runbook action. The <see cref="SetupStepPipeline"/> has already found the run in the user's scope, checked its
/// version (and its order, unless <see cref="ChecksOrder"/> is off) and read the tenant and its credentials once; the
/// handler does the step's own work and says what to record. The pipeline picks the handler by the type of its input.
/// </summary>
public abstract class SetupStepHandler<TInput> : ISetupStepHandler
{
    /// <summary>False for actions that are not "work on this step" (skipping, revealing): they check their own rules.</summary>
    public virtual bool ChecksOrder => true;

    public Type InputType => typeof(TInput);

    /// <summary>Input and step checks that need no remote call; an error message or null.</summary>
    public abstract string? Validate(SetupStep step, TInput input);

    public abstract Task<StepDecision> HandleAsync(StepContext context, TInput input, CancellationToken ct);

    string? ISetupStepHandler.Validate(SetupStep step, object input) => Validate(step, (TInput)input);

    Task<StepDecision> ISetupStepHandler.HandleAsync(StepContext context, object input, CancellationToken ct) => HandleAsync(context, (TInput)input, ct);
}

/// <summary>What the pipeline sees of a handler (write handlers as <see cref="SetupStepHandler{TInput}"/>).</summary>
public interface ISetupStepHandler
{
    Type InputType { get; }

    bool ChecksOrder { get; }

    string? Validate(SetupStep step, object input);

    Task<StepDecision> HandleAsync(StepContext context, object input, CancellationToken ct);
}

/// <summary>What a handler decided: refuse, complete the step with evidence, or save a change it made to the run.</summary>
public sealed record StepDecision
{
    public string? Error { get; private init; }

    public VerificationReport? Report { get; private init; }

    public string? InputsFingerprint { get; private init; }

    public object? Evidence { get; private init; }

    /// <summary>The handler saved tenant values (through the tenant service): the snapshot reads the tenant again.</summary>
    public bool TenantChanged { get; init; }

    /// <summary>A refusal that still saves the handler's change to the run (a claim it released).</summary>
    public bool SavesRunOnRefusal { get; init; }

    /// <summary>The handler changed the run itself (skip, reveal): save it, but complete nothing.</summary>
    public bool RunChanged { get; private init; }

    /// <summary>A check that changes nothing (the step stays open, the run is not saved): only its report is shown.</summary>
    public bool InformsOnly { get; private init; }

    public bool Completes => Error is null && !RunChanged && !InformsOnly;

    /// <summary>Runs once the run is saved (audits that must not claim what a lost save did not do).</summary>
    public Func<CancellationToken, Task>? AfterSave { get; private init; }

    public static StepDecision Refuse(string error, VerificationReport? report = null) => new() { Error = error, Report = report };

    public static StepDecision Complete(object evidence, VerificationReport? report, params string[] inputs) =>
        new() { Evidence = evidence, Report = report, InputsFingerprint = Fingerprint(inputs) };

    public static StepDecision SaveRun(Func<CancellationToken, Task> afterSave) => new() { RunChanged = true, AfterSave = afterSave };

    /// <summary>The action succeeded but the step stays open (an optional check): save the run, show the report.</summary>
    public static StepDecision KeepOpen(VerificationReport report) => new() { RunChanged = true, Report = report };

    /// <summary>A passed check that changes nothing: the report is shown, the run is not saved.</summary>
    public static StepDecision Inform(VerificationReport report) => new() { InformsOnly = true, Report = report };

    /// <summary>Identifies the inputs a step was completed with (so a changed input invalidates later steps).</summary>
    private static string Fingerprint(string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\u001f", parts))))[..32];
}

/// <summary>Everything a handler needs for one click, read once by the pipeline.</summary>
public sealed class StepContext(SetupRun run, Tenant tenant, TenantApiCredentials credentials, string actor, DateTime now, SetupStep step, StepContext.Services services)
{
    /// <summary>What the pipeline lends its handlers: the audit trail, the secrets' use log and a version-checked save of the run.</summary>
    public sealed record Services(IAuditSink Audit, TenantSecretsService Secrets, Func<CancellationToken, Task<bool>> SaveRun);

    private bool _secretsUseAudited;

    /// <summary>The run, tracked: changes a handler makes are saved with the version check.</summary>
    public SetupRun Run => run;

    public Tenant Tenant => tenant;

    public SetupStep Step => step;

    public string Actor => actor;

    public DateTime Now => now;

    /// <summary>Connection values and secret states, for decisions that call nothing.</summary>
    public TenantApiCredentials Tenancy => credentials;

    /// <summary>The decrypted credentials for an API call; the use is audited once per click (fingerprints only).</summary>
    public async Task<TenantApiCredentials> UseSecretsAsync(string purpose, CancellationToken ct)
    {
        if (!_secretsUseAudited)
        {
            _secretsUseAudited = true;
            await services.Secrets.AuditUseAsync(credentials, actor, purpose, ct);
        }

        return credentials;
    }

    /// <summary>
    /// Saves the run as it is now, checked against the version the click started from, before an action that must not
    /// happen twice (a device command). False when another click or tab saved first: then do nothing.
    /// </summary>
    public Task<bool> ClaimAsync(CancellationToken ct) => services.SaveRun(ct);

    public Task AuditAsync(string action, AuditOutcome outcome, Dictionary<string, string?> details, CancellationToken ct) =>
        services.Audit.WriteAsync(new AuditEvent(action, outcome, tenant.Id, details) { TenantName = tenant.DisplayName }, ct);

    /// <summary>The "verified" audit line of a step: success or failure follows the report.</summary>
    public Task AuditVerifiedAsync(VerificationReport report, Dictionary<string, string?> details, CancellationToken ct) =>
        AuditAsync(SetupActions.StepVerified, report.Passed ? AuditOutcome.Success : AuditOutcome.Failure, details, ct);
}
