using Microsoft.AspNetCore.Components;

namespace Portal.Features.Setup.Steps;

/// <summary>Shared plumbing of a runbook step: the run, busy/error/report state, and reporting the outcome to the page.</summary>
public abstract class SetupStepBase : ComponentBase
{
    [Inject]
    protected ISetupWorkflow Setup { get; set; } = default!;

    [Parameter, EditorRequired]
    public required SetupSnapshot Snapshot { get; set; }

    [Parameter, EditorRequired]
    public required SetupStep Step { get; set; }

    [Parameter]
    public bool ReadOnly { get; set; }

    [Parameter]
    public EventCallback<StepOutcome> OnOutcome { get; set; }

    /// <summary>The report of the action that just moved the run on (the page re-creates the step component afterwards).</summary>
    [Parameter]
    public VerificationReport? LastReport { get; set; }

    protected SetupRun Run => Snapshot.Run!;

    protected SetupStepRecord Record => Run[Step];

    protected bool Busy { get; private set; }

    protected string? Error { get; private set; }

    protected VerificationReport? Report { get; private set; }

    /// <summary>What a finished step verified, from its stored evidence, when no fresh report is on screen.</summary>
    protected VerificationReport? VerifiedEvidence => Report is null && Record.IsDone ? VerificationReport.FromEvidence(Record.EvidenceJson) : null;

    protected override void OnInitialized() => Report = LastReport;

    protected bool CanAct => !ReadOnly && Snapshot.CanRun && Run.CanWorkOn(Step);

    protected async Task RunAsync(Func<Task<StepOutcome>> action)
    {
        if (Busy)
        {
            return; // guard against double submits
        }

        Busy = true;
        Error = null;
        try
        {
            var outcome = await action();
            Report = outcome.Report;
            Error = outcome.Succeeded ? null : outcome.Error;
            await OnOutcome.InvokeAsync(outcome);
        }
        finally
        {
            Busy = false;
        }
    }
}
