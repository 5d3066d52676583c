using Portal.Features.Validation;

namespace Portal.Features.Setup;

/// <summary>The runbook steps. A run walks the steps of its kind in order (see <see cref="SetupRun.StepsOf"/>).</summary>
public enum SetupStep
{
    // Initial set-up: UEM OAuth client → REST API key → verify → authorise Intelligence → prove it.
    Plan = 1,
    CreateOAuthClient = 2,
    RestApiKey = 3,
    VerifyUem = 4,
    AuthoriseIntelligence = 5,
    ProveAutomation = 6,
    Summary = 7,

    // Rotation: a second client, verified, Intelligence switched to it, then the old one disabled.
    CreateReplacementClient = 20,
    VerifyReplacementClient = 21,
    SwitchIntelligence = 22,
    VerifyAfterSwitch = 23,
    DisableOldClient = 24,
    RotationSummary = 25,
}

public enum SetupRunKind
{
    InitialSetup = 0,
    Rotation = 1,
}

public enum StepState
{
    Pending = 0,
    Completed = 1,

    /// <summary>Done outside the portal ("already done in console"), with a recorded reason.</summary>
    SkippedAlreadyDone = 2,

    /// <summary>Was completed, but an earlier step changed afterwards: must be done again.</summary>
    Invalidated = 3,
}

/// <summary>
/// One resumable runbook for one tenant, persisted after every step so a reload, a dropped circuit or
/// another helpdesk user continues where it stopped. All rules about order live here.
/// </summary>
public sealed class SetupRun
{
    public const int MinimumSkipReasonLength = 10;

    public const int MaximumSkipReasonLength = 500;

    public Guid Id { get; set; } = Guid.NewGuid();

    public int TenantId { get; set; }

    public SetupRunKind Kind { get; set; }

    public string StartedBy { get; set; } = "";

    public DateTime StartedUtc { get; set; }

    public DateTime? FinishedUtc { get; set; }

    /// <summary>The one-time secret re-reveal of step 5 (once per run, to the user running the step).</summary>
    public string? SecretRevealedTo { get; set; }

    public DateTime? SecretRevealedUtc { get; set; }

    /// <summary>Optimistic concurrency token: two browsers on one run never overwrite each other silently.</summary>
    public Guid Version { get; set; } = Guid.NewGuid();

    public List<SetupStepRecord> Steps { get; set; } = [];

    public static IReadOnlyList<SetupStep> StepsOf(SetupRunKind kind) => kind switch
    {
        SetupRunKind.InitialSetup => [SetupStep.Plan, SetupStep.CreateOAuthClient, SetupStep.RestApiKey, SetupStep.VerifyUem, SetupStep.AuthoriseIntelligence, SetupStep.ProveAutomation, SetupStep.Summary],
        SetupRunKind.Rotation => [SetupStep.CreateReplacementClient, SetupStep.VerifyReplacementClient, SetupStep.SwitchIntelligence, SetupStep.VerifyAfterSwitch, SetupStep.DisableOldClient, SetupStep.RotationSummary],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown run kind."),
    };

    public static SetupRun Start(int tenantId, SetupRunKind kind, string actor, DateTime nowUtc)
    {
        var run = new SetupRun { TenantId = tenantId, Kind = kind, StartedBy = actor, StartedUtc = nowUtc };
        run.Steps.AddRange(StepsOf(kind).Select((step, index) => new SetupStepRecord { Step = step, Order = index + 1, RunId = run.Id }));
        return run;
    }

    public IEnumerable<SetupStepRecord> OrderedSteps => Steps.OrderBy(s => s.Order);

    public SetupStepRecord this[SetupStep step] => Steps.Single(s => s.Step == step);

    /// <summary>Where to resume: the first step that is not done (or null when the run is finished).</summary>
    public SetupStep? CurrentStep => OrderedSteps.FirstOrDefault(s => !s.IsDone)?.Step;

    public bool IsFinished => CurrentStep is null;

    /// <summary>
    /// When <paramref name="step"/> became workable: the latest completion (or skip) among the steps before it, else the
    /// run's start. Stored with those steps, so redoing an earlier step moves it on.
    /// </summary>
    public DateTime StepStartedUtc(SetupStep step) =>
        OrderedSteps.TakeWhile(s => s.Step != step).Select(s => s.CompletedUtc ?? StartedUtc).Append(StartedUtc).Max();

    /// <summary>A step may be worked on when every earlier step is done (completed or skipped with a reason).</summary>
    public bool CanWorkOn(SetupStep step) => OrderedSteps.TakeWhile(s => s.Step != step).All(s => s.IsDone) && Steps.Any(s => s.Step == step);

    /// <summary>
    /// Records a step as done with its evidence. Completing an earlier step again with different inputs
    /// invalidates every later step, which must then be verified again.
    /// </summary>
    public StepResult Complete(SetupStep step, string actor, DateTime nowUtc, string inputsFingerprint, string evidenceJson)
    {
        if (!CanWorkOn(step))
        {
            return StepResult.Refused($"Finish '{StepTitles.Of(CurrentStep ?? step)}' first: steps cannot be done out of order.");
        }

        var record = this[step];
        var inputsChanged = record.IsDone && record.InputsFingerprint != inputsFingerprint;
        record.State = StepState.Completed;
        record.CompletedBy = actor;
        record.CompletedUtc = nowUtc;
        record.InputsFingerprint = inputsFingerprint;
        record.EvidenceJson = evidenceJson;
        record.SkipReason = null;
        var invalidated = inputsChanged ? InvalidateAfter(step) : [];
        FinishIfDone(nowUtc);
        return StepResult.Ok(invalidated);
    }

    /// <summary>"Already done in console": allowed only for the current step and only with a reason.</summary>
    public StepResult Skip(SetupStep step, string actor, DateTime nowUtc, string reason)
    {
        if (step is SetupStep.Plan or SetupStep.Summary or SetupStep.RotationSummary)
        {
            return StepResult.Refused("This step cannot be skipped.");
        }

        if (CurrentStep != step)
        {
            return StepResult.Refused("Only the current step can be marked as already done in the console.");
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length < MinimumSkipReasonLength)
        {
            return StepResult.Refused($"Reason: say what was done in the console (at least {MinimumSkipReasonLength} characters).");
        }

        if (FreeText.Check("Reason", reason, MaximumSkipReasonLength, multiLine: true) is { } invalid)
        {
            return StepResult.Refused(invalid);
        }

        var record = this[step];
        record.State = StepState.SkippedAlreadyDone;
        record.CompletedBy = actor;
        record.CompletedUtc = nowUtc;
        record.SkipReason = reason.Trim();
        record.EvidenceJson = null;
        FinishIfDone(nowUtc);
        return StepResult.Ok([]);
    }

    /// <summary>The step of this run that verifies and stores a newly entered OAuth client.</summary>
    public SetupStep ClientStep => Kind == SetupRunKind.InitialSetup ? SetupStep.CreateOAuthClient : SetupStep.CreateReplacementClient;

    /// <summary>
    /// This run itself exchanged a newly entered client for a token (not "already done in console"): only then may it
    /// reveal the stored secret, so a new run cannot be used to read a secret someone else entered.
    /// </summary>
    public bool VerifiedClientInThisRun => this[ClientStep].State == StepState.Completed;

    /// <summary>The secret may be re-revealed once per run, only on the Intelligence step, only to whoever is running it.</summary>
    public StepResult RevealSecret(string actor, DateTime nowUtc)
    {
        var revealStep = Kind == SetupRunKind.InitialSetup ? SetupStep.AuthoriseIntelligence : SetupStep.SwitchIntelligence;
        if (CurrentStep != revealStep)
        {
            return StepResult.Refused("The secret can only be revealed while authorising Intelligence.");
        }

        if (!VerifiedClientInThisRun)
        {
            return StepResult.Refused(
                $"The secret can only be revealed in a run that verified a newly entered client, and '{StepTitles.Of(ClientStep)}' was not done in this run. " +
                "Paste the secret from where it was kept, or rotate the client to get a new one.");
        }

        if (SecretRevealedTo is not null)
        {
            return StepResult.Refused($"The secret was already revealed in this run (to {SecretRevealedTo}). Paste it from where you kept it, or replace the client.");
        }

        SecretRevealedTo = actor;
        SecretRevealedUtc = nowUtc;
        return StepResult.Ok([]);
    }

    private List<SetupStep> InvalidateAfter(SetupStep step)
    {
        var invalidated = new List<SetupStep>();
        foreach (var later in OrderedSteps.SkipWhile(s => s.Step != step).Skip(1).Where(s => s.IsDone))
        {
            later.State = StepState.Invalidated;
            invalidated.Add(later.Step);
        }

        FinishedUtc = null;
        return invalidated;
    }

    private void FinishIfDone(DateTime nowUtc)
    {
        FinishedUtc = IsFinished ? FinishedUtc ?? nowUtc : null;
    }
}

public sealed class SetupStepRecord
{
    public long Id { get; set; }

    public Guid RunId { get; set; }

    public SetupStep Step { get; set; }

    public int Order { get; set; }

    public StepState State { get; set; }

    public string? CompletedBy { get; set; }

    public DateTime? CompletedUtc { get; set; }

    /// <summary>Hash of the values the step was completed with, to tell a real change from a re-save.</summary>
    public string? InputsFingerprint { get; set; }

    /// <summary>What proved the step (layered diagnosis lines, product version, HTTP status); never a secret.</summary>
    public string? EvidenceJson { get; set; }

    public string? SkipReason { get; set; }

    public bool IsDone => State is StepState.Completed or StepState.SkippedAlreadyDone;
}

public sealed record StepResult(bool Succeeded, string? Error, IReadOnlyList<SetupStep> Invalidated)
{
    public static StepResult Ok(IReadOnlyList<SetupStep> invalidated) => new(true, null, invalidated);

    public static StepResult Refused(string error) => new(false, error, []);
}

public static class StepTitles
{
    public static string Of(SetupStep step) => step switch
    {
        SetupStep.Plan => "Plan",
        SetupStep.CreateOAuthClient => "Create the OAuth client in UEM",
        SetupStep.RestApiKey => "REST API key",
        SetupStep.VerifyUem => "Verify UEM end to end",
        SetupStep.AuthoriseIntelligence => "Authorise in Intelligence",
        SetupStep.ProveAutomation => "Prove it with an automation",
        SetupStep.Summary => "Summary",
        SetupStep.CreateReplacementClient => "Create a replacement OAuth client",
        SetupStep.VerifyReplacementClient => "Verify the replacement client",
        SetupStep.SwitchIntelligence => "Switch Intelligence to the replacement",
        SetupStep.VerifyAfterSwitch => "Verify after the switch",
        SetupStep.DisableOldClient => "Disable the old client",
        SetupStep.RotationSummary => "Rotation summary",
        _ => step.ToString(),
    };
}
