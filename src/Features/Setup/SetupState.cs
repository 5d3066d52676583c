using System.Globalization;

namespace Portal.Features.Setup;

public enum SetupPhase
{
    NotStarted = 0,
    InProgress = 1,
    Done = 2,
}

/// <summary>A step of a stored run, reduced to what the set-up state needs (queries project into it).</summary>
public sealed record SetupStepState(int Order, SetupStep Step, StepState State)
{
    public bool IsDone => State is StepState.Completed or StepState.SkippedAlreadyDone;
}

/// <summary>Where a tenant's set-up stands: not started, at step N of M (with its name), or done on a date.</summary>
public sealed record SetupState(SetupPhase Phase, SetupRunKind? Kind, int StepNumber, int StepCount, string? StepTitle, DateTime? FinishedUtc)
{
    public static SetupState NotStarted { get; } = new(SetupPhase.NotStarted, null, 0, 0, null, null);

    /// <summary>Same rule as <see cref="SetupRun.CurrentStep"/>: the first step (in order) that is not done.</summary>
    public static SetupState Of(SetupRunKind kind, DateTime? finishedUtc, IEnumerable<SetupStepState> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var ordered = steps.OrderBy(s => s.Order).ToList();
        var stepCount = ordered.Count;
        var current = ordered.FirstOrDefault(s => !s.IsDone);
        if (finishedUtc is not null || current is null)
        {
            return new(SetupPhase.Done, kind, stepCount, stepCount, null, finishedUtc);
        }

        return new(SetupPhase.InProgress, kind, ordered.IndexOf(current) + 1, stepCount, StepTitles.Of(current.Step), null);
    }

    /// <summary>"Not started", "Step 3 of 7: REST API key", "Rotation step 2 of 6: …", "Done on 2026-11-30".</summary>
    public string Describe() => Phase switch
    {
        SetupPhase.InProgress => string.Create(CultureInfo.InvariantCulture,
            $"{(Kind == SetupRunKind.Rotation ? "Rotation step" : "Step")} {StepNumber} of {StepCount}: {StepTitle}"),
        SetupPhase.Done => (Kind == SetupRunKind.Rotation ? "Rotation done" : "Done")
            + (FinishedUtc is { } finished ? " on " + finished.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : ""),
        _ => "Not started",
    };
}
