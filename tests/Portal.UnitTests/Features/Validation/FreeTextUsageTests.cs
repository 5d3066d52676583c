using Portal.Features.Setup;
using Portal.Features.Setup.Steps.Plan;
using Portal.Features.Status;
using Portal.Features.Status.Notifications;

namespace Portal.UnitTests.Features.Validation;

/// <summary>The domain rules that take typed text use <see cref="Portal.Features.Validation.FreeText"/>: same messages, nothing changed on refusal.</summary>
public sealed class FreeTextUsageTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    private static SetupRun RunAtClientStep()
    {
        var run = SetupRun.Start(7, SetupRunKind.InitialSetup, "alice", Now);
        run.Complete(SetupStep.Plan, "alice", Now, "p", "{}");
        return run;
    }

    [Theory]
    [InlineData("Client created by \u202Ethe admin", "Reason contains an invisible control or text-direction character (U+202E); remove it.")]
    [InlineData("Client created by\u0000 the admin", "Reason contains an invisible control or text-direction character (U+0000); remove it.")]
    public void Skip_ReasonWithInvisibleCharacter_Refused_StepUnchanged(string reason, string message)
    {
        var run = RunAtClientStep();

        var result = run.Skip(SetupStep.CreateOAuthClient, "alice", Now, reason);

        result.Succeeded.ShouldBeFalse();
        result.Error.ShouldBe(message);
        run[SetupStep.CreateOAuthClient].State.ShouldBe(StepState.Pending);
        run[SetupStep.CreateOAuthClient].SkipReason.ShouldBeNull();
    }

    [Fact]
    public void Skip_ReasonOverTheColumnLimit_RefusedWithTheLimit_NotCut()
    {
        var run = RunAtClientStep();

        var result = run.Skip(SetupStep.CreateOAuthClient, "alice", Now, new string('r', 5000));

        result.Error.ShouldBe("Reason must be at most 500 characters (it has 5000).");
        run[SetupStep.CreateOAuthClient].SkipReason.ShouldBeNull();
    }

    [Fact]
    public void Skip_MultiLineReason_Accepted() =>
        RunAtClientStep().Skip(SetupStep.CreateOAuthClient, "alice", Now, "Created by the customer's admin.\r\nTicket 42.").Succeeded.ShouldBeTrue();

    [Fact]
    public void PlanHandler_RoleNameOverLimitOrWithOverride_Refused()
    {
        var handler = new PlanHandler(null!, null!);
        handler.Validate(SetupStep.Plan, new PlanInput("570", new string('r', 101))).ShouldBe("Admin role for the client must be at most 100 characters (it has 101).");
        handler.Validate(SetupStep.Plan, new PlanInput("570", "Intel \u202Erole")).ShouldBe("Admin role for the client contains an invisible control or text-direction character (U+202E); remove it.");
        handler.Validate(SetupStep.Plan, new PlanInput(new string('9', 65), "Intelligence Integration")).ShouldBe("Organisation group ID must be at most 64 characters (it has 65).");
        handler.Validate(SetupStep.Plan, new PlanInput("570", "Intelligence Integration")).ShouldBeNull();
    }

    [Fact]
    public void ReviewComment_InvisibleCharacterOrTooLong_Refused_LineBreaksAllowed()
    {
        AttestationRules.ValidateComment("Checked \u2066with customer").ShouldBe("Comment contains an invisible control or text-direction character (U+2066); remove it.");
        AttestationRules.ValidateComment(new string('c', 600)).ShouldBe($"Comment must be at most {StatusAttestation.CommentMaxLength} characters (it has 600).");
        AttestationRules.ValidateComment("Checked with customer.\nTicket 42.").ShouldBeNull();
    }

    [Fact]
    public void ChannelName_InvisibleCharacterOrTooLong_Refused()
    {
        static ChannelEditModel Channel(string name) => new()
        {
            Name = name, Kind = NotificationChannelKind.Email, SmtpHost = "127.0.0.1", SmtpPort = 25, FromAddress = "a@example.com", ToAddresses = "b@example.com",
        };

        NotificationChannelService.Validate(Channel(new string('n', 5000)), isNew: true).ShouldBe("Name must be at most 100 characters (it has 5000).");
        NotificationChannelService.Validate(Channel("Ops \u202Email"), isNew: true).ShouldBe("Name contains an invisible control or text-direction character (U+202E); remove it.");
        NotificationChannelService.Validate(Channel(" "), isNew: true).ShouldBe("Name is required.");
        var lineBreakInUserName = Channel("Ops mail");
        lineBreakInUserName.SmtpUserName = "relay\r\nRCPT TO:<x@evil.example>";
        NotificationChannelService.Validate(lineBreakInUserName, isNew: true).ShouldBe("SMTP user name contains an invisible control or text-direction character (U+000D); remove it.");
    }
}
