using Portal.Features.Setup;

namespace Portal.UnitTests.Features.Setup;

public sealed class SetupStateTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    private static IEnumerable<SetupStepState> StatesOf(SetupRun run) => run.Steps.Select(s => new SetupStepState(s.Order, s.Step, s.State));

    [Fact]
    public void Of_AgreesWithTheRunsCurrentStep_AndCountsItsSteps()
    {
        var run = SetupRun.Start(1, SetupRunKind.InitialSetup, "alice", Now);
        run.Complete(SetupStep.Plan, "alice", Now, "a", "{}");
        run.Skip(SetupStep.CreateOAuthClient, "alice", Now, "Created in the console yesterday").Succeeded.ShouldBeTrue();

        var state = SetupState.Of(run.Kind, run.FinishedUtc, StatesOf(run).Reverse()); // order comes from Order, not from the sequence

        state.Phase.ShouldBe(SetupPhase.InProgress);
        state.StepTitle.ShouldBe(StepTitles.Of(run.CurrentStep!.Value));
        state.Describe().ShouldBe("Step 3 of 7: REST API key");
    }

    [Fact]
    public void Of_InvalidatedStep_IsWhereTheRunResumes()
    {
        var run = SetupRun.Start(1, SetupRunKind.InitialSetup, "alice", Now);
        run.Complete(SetupStep.Plan, "alice", Now, "a", "{}");
        run.Complete(SetupStep.CreateOAuthClient, "alice", Now, "b", "{}");
        run.Complete(SetupStep.Plan, "alice", Now, "changed", "{}"); // invalidates step 2

        SetupState.Of(run.Kind, run.FinishedUtc, StatesOf(run)).Describe().ShouldBe("Step 2 of 7: Create the OAuth client in UEM");
    }

    [Fact]
    public void Of_FinishedRotation_SaysDoneWithTheDate()
    {
        var run = SetupRun.Start(1, SetupRunKind.Rotation, "alice", Now);
        foreach (var step in SetupRun.StepsOf(SetupRunKind.Rotation))
        {
            run.Complete(step, "alice", Now, step.ToString(), "{}");
        }

        SetupState.Of(run.Kind, run.FinishedUtc, StatesOf(run)).Describe().ShouldBe("Rotation done on 2026-11-30");
        SetupState.Of(SetupRunKind.Rotation, null, StatesOf(SetupRun.Start(1, SetupRunKind.Rotation, "alice", Now))).Describe()
            .ShouldBe("Rotation step 1 of 6: Create a replacement OAuth client");
        SetupState.NotStarted.Describe().ShouldBe("Not started");
    }
}
