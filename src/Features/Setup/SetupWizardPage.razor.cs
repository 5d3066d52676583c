using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Portal.Features.Setup;

public partial class SetupWizardPage
{
    private SetupSnapshot? _snapshot;
    private SetupStep? _selected;
    private string? _message;
    private (SetupStep Step, VerificationReport Report)? _lastReport;
    private bool _loading = true;

    /// <summary>
    /// The one-time revealed secret, held here rather than in the step component: the reveal moves the run to a new
    /// version, which re-creates the component. Dropped as soon as the user leaves the step or the run moves on.
    /// </summary>
    private (Guid RunId, SetupStep Step, string Secret)? _revealed;

    [Parameter]
    public int TenantId { get; set; }

    [Inject]
    private ISetupWorkflow Setup { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    /// <summary>The step on screen: the one the user picked, else where the run resumes.</summary>
    private SetupStep Shown => _selected ?? _snapshot?.Run?.CurrentStep ?? _snapshot?.Run?.OrderedSteps.Last().Step ?? SetupStep.Plan;

    /// <summary>Re-creates step components when the run moves on, so inputs never leak from one state to the next.</summary>
    private string Key => $"{_snapshot?.Run?.Id}-{Shown}-{_snapshot?.Run?.Version}";

    protected override async Task OnParametersSetAsync()
    {
        _loading = true;
        _snapshot = await Setup.LoadAsync(TenantId);
        _selected = null;
        _revealed = null;
        _loading = false;
    }

    private async Task StartAsync(SetupRunKind kind)
    {
        var outcome = await Setup.StartAsync(TenantId, kind);
        if (!outcome.Succeeded)
        {
            Snackbar.Add(outcome.Error!, Severity.Error);
        }

        _snapshot = outcome.Snapshot ?? _snapshot;
        _selected = null;
        _revealed = null;
    }

    private void Select(SetupStep step)
    {
        if (step != Shown)
        {
            _revealed = null; // leaving the step hides the secret for good
        }

        _selected = step;
    }

    private void OnRevealed(string? secret) =>
        _revealed = secret is not null && _snapshot?.Run is { } run ? (run.Id, Shown, secret) : null;

    /// <summary>The revealed secret while the user stays on the step it was revealed on, in the same run, and the step is still open.</summary>
    private string? RevealedSecretFor(SetupRun run) =>
        _revealed is { } r && r.RunId == run.Id && r.Step == Shown && run.CurrentStep == r.Step ? r.Secret : null;

    private Task OnOutcomeAsync(StepOutcome outcome)
    {
        // Kept across the re-created step component, so the user sees what was just verified.
        _lastReport = outcome.Report is { } report ? (Shown, report) : null;
        if (outcome.Snapshot is not null)
        {
            var advanced = outcome.Succeeded && outcome.Snapshot.Run?.CurrentStep != _snapshot?.Run?.CurrentStep;
            _snapshot = outcome.Snapshot;
            if (advanced)
            {
                _selected = null; // move on to where the run resumes
                _revealed = null;
                Snackbar.Add("Step saved.", Severity.Success);
            }
        }

        if (outcome.Invalidated is { Count: > 0 } invalidated)
        {
            _message = $"You changed an earlier value, so these steps must be verified again: {string.Join(", ", invalidated.Select(StepTitles.Of))}.";
        }

        return Task.CompletedTask;
    }

    private VerificationReport? ReportFor(SetupStep step) => _lastReport is { } last && last.Step == step ? last.Report : null;

    private static string StateText(SetupStepRecord record) => record.State switch
    {
        StepState.Completed => "Done",
        StepState.SkippedAlreadyDone => "Done in console",
        StepState.Invalidated => "Verify again",
        _ => "To do",
    };

    private static string StepIcon(SetupStepRecord record) => record.State switch
    {
        StepState.Completed => Icons.Material.Filled.CheckCircle,
        StepState.SkippedAlreadyDone => Icons.Material.Filled.TaskAlt,
        StepState.Invalidated => Icons.Material.Filled.Error,
        _ => Icons.Material.Filled.RadioButtonUnchecked,
    };

    private string StepClass(SetupStepRecord record, bool isCurrent) =>
        $"setup-step {(isCurrent ? "current" : "")} {(record.Step == Shown ? "shown" : "")} {record.State.ToString().ToLowerInvariant()}";
}
