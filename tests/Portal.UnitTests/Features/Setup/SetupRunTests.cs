using Portal.Features.Setup;

namespace Portal.UnitTests.Features.Setup;

public sealed class SetupRunTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    private static SetupRun NewRun(SetupRunKind kind = SetupRunKind.InitialSetup) => SetupRun.Start(1, kind, "alice", Now);

    [Fact]
    public void Start_InitialSetup_HasTheSevenStepsInOrderAndResumesAtPlan()
    {
        var run = NewRun();

        run.OrderedSteps.Select(s => s.Step).ShouldBe([SetupStep.Plan, SetupStep.CreateOAuthClient, SetupStep.RestApiKey, SetupStep.VerifyUem, SetupStep.AuthoriseIntelligence, SetupStep.ProveAutomation, SetupStep.Summary]);
        run.CurrentStep.ShouldBe(SetupStep.Plan);
        run.IsFinished.ShouldBeFalse();
    }

    [Fact]
    public void Complete_OutOfOrder_IsRefusedAndNothingChanges()
    {
        var run = NewRun();

        var result = run.Complete(SetupStep.VerifyUem, "alice", Now, "x", "{}");

        result.Succeeded.ShouldBeFalse();
        result.Error!.ShouldContain("Plan");
        run[SetupStep.VerifyUem].State.ShouldBe(StepState.Pending);
    }

    [Fact]
    public void Complete_InOrder_RecordsWhoAndWhenAndAdvances()
    {
        var run = NewRun();

        run.Complete(SetupStep.Plan, "alice", Now, "plan-1", "{\"og\":\"570\"}").Succeeded.ShouldBeTrue();
        run.Complete(SetupStep.CreateOAuthClient, "bob", Now.AddMinutes(5), "client-1", "{}").Succeeded.ShouldBeTrue();

        run.CurrentStep.ShouldBe(SetupStep.RestApiKey);
        run[SetupStep.CreateOAuthClient].CompletedBy.ShouldBe("bob");
        run[SetupStep.CreateOAuthClient].CompletedUtc.ShouldBe(Now.AddMinutes(5));
    }

    [Fact]
    public void Complete_EarlierStepWithChangedInputs_InvalidatesEveryLaterStep()
    {
        var run = NewRun();
        run.Complete(SetupStep.Plan, "alice", Now, "plan-1", "{}");
        run.Complete(SetupStep.CreateOAuthClient, "alice", Now, "client-1", "{}");
        run.Complete(SetupStep.RestApiKey, "alice", Now, "key-1", "{}");

        var result = run.Complete(SetupStep.CreateOAuthClient, "alice", Now, "client-2", "{}");

        result.Invalidated.ShouldBe([SetupStep.RestApiKey]);
        run[SetupStep.RestApiKey].State.ShouldBe(StepState.Invalidated);
        run.CurrentStep.ShouldBe(SetupStep.RestApiKey);
    }

    [Fact]
    public void Complete_EarlierStepWithSameInputs_KeepsLaterSteps()
    {
        var run = NewRun();
        run.Complete(SetupStep.Plan, "alice", Now, "plan-1", "{}");
        run.Complete(SetupStep.CreateOAuthClient, "alice", Now, "client-1", "{}");

        var result = run.Complete(SetupStep.Plan, "alice", Now, "plan-1", "{}");

        result.Invalidated.ShouldBeEmpty();
        run[SetupStep.CreateOAuthClient].State.ShouldBe(StepState.Completed);
    }

    [Fact]
    public void Skip_CurrentStepWithReason_CountsAsDoneAndIsRecorded()
    {
        var run = NewRun();
        run.Complete(SetupStep.Plan, "alice", Now, "p", "{}");

        var result = run.Skip(SetupStep.CreateOAuthClient, "alice", Now, "Client created by the customer's admin on the call");

        result.Succeeded.ShouldBeTrue();
        run[SetupStep.CreateOAuthClient].State.ShouldBe(StepState.SkippedAlreadyDone);
        run[SetupStep.CreateOAuthClient].SkipReason.ShouldBe("Client created by the customer's admin on the call");
        run.CurrentStep.ShouldBe(SetupStep.RestApiKey);
    }

    [Theory]
    [InlineData(SetupStep.RestApiKey, "done it already in the console")]
    [InlineData(SetupStep.CreateOAuthClient, "short")]
    [InlineData(SetupStep.Plan, "the plan was agreed by phone")]
    public void Skip_NotCurrentOrNoReasonOrUnskippable_IsRefused(SetupStep step, string reason)
    {
        var run = NewRun();
        if (step != SetupStep.Plan)
        {
            run.Complete(SetupStep.Plan, "alice", Now, "p", "{}");
        }

        run.Skip(step, "alice", Now, reason).Succeeded.ShouldBeFalse();
        run[step].State.ShouldBe(StepState.Pending);
    }

    [Fact]
    public void CompleteAll_InitialSetup_FinishesAndRecordsTheTime()
    {
        var run = NewRun();
        foreach (var step in SetupRun.StepsOf(SetupRunKind.InitialSetup))
        {
            run.Complete(step, "alice", Now.AddMinutes((int)step), step.ToString(), "{}").Succeeded.ShouldBeTrue();
        }

        run.IsFinished.ShouldBeTrue();
        run.FinishedUtc.ShouldBe(Now.AddMinutes((int)SetupStep.Summary));
    }

    [Fact]
    public void RevealSecret_OnlyOnIntelligenceStepAndOnlyOncePerRun()
    {
        var run = NewRun();
        run.RevealSecret("alice", Now).Succeeded.ShouldBeFalse();
        foreach (var step in new[] { SetupStep.Plan, SetupStep.CreateOAuthClient, SetupStep.RestApiKey, SetupStep.VerifyUem })
        {
            run.Complete(step, "alice", Now, step.ToString(), "{}");
        }

        run.RevealSecret("alice", Now).Succeeded.ShouldBeTrue();
        var second = run.RevealSecret("bob", Now);

        second.Succeeded.ShouldBeFalse();
        second.Error!.ShouldContain("alice");
        run.SecretRevealedTo.ShouldBe("alice");
    }

    [Fact]
    public void Rotation_StepsAreTheZeroDowntimeSequence()
    {
        var run = NewRun(SetupRunKind.Rotation);

        run.OrderedSteps.Select(s => s.Step).ShouldBe([SetupStep.CreateReplacementClient, SetupStep.VerifyReplacementClient, SetupStep.SwitchIntelligence, SetupStep.VerifyAfterSwitch, SetupStep.DisableOldClient, SetupStep.RotationSummary]);
        run.Complete(SetupStep.DisableOldClient, "alice", Now, "x", "{}").Succeeded.ShouldBeFalse(); // never disable the old client before the switch is verified
        run.CurrentStep.ShouldBe(SetupStep.CreateReplacementClient);
    }
}
