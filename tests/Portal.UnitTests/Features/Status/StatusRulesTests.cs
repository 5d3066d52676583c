using Portal.Features.Status;

namespace Portal.UnitTests.Features.Status;

public sealed class StatusRulesTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);

    private static LayerCheck[] AllLayers(CheckOutcome outcome, TimeSpan ago) =>
        [.. Enum.GetValues<ConnectionLayer>().Select(l => new LayerCheck(l, outcome, Now - ago))];

    [Fact]
    public void Derive_NoCredentials_IsNotConfiguredOrSetupInProgress()
    {
        StatusRules.Derive(false, false, [], Now, Interval).ShouldBe(ConnectionStatus.NotConfigured);
        StatusRules.Derive(false, true, [], Now, Interval).ShouldBe(ConnectionStatus.SetupInProgress);
    }

    [Fact]
    public void Derive_AllPassedWithinInterval_IsConnected()
    {
        StatusRules.Derive(true, false, AllLayers(CheckOutcome.Passed, TimeSpan.FromMinutes(5)), Now, Interval).ShouldBe(ConnectionStatus.Connected);
    }

    [Fact]
    public void Derive_PassedButOlderThanTheInterval_IsNotConnected()
    {
        StatusRules.Derive(true, false, AllLayers(CheckOutcome.Passed, TimeSpan.FromMinutes(16)), Now, Interval).ShouldBe(ConnectionStatus.Stale);
        StatusRules.Derive(true, false, [], Now, Interval).ShouldBe(ConnectionStatus.Stale);
    }

    [Theory]
    [InlineData(CheckOutcome.CredentialsRejected, ConnectionStatus.NeedsReauthorisation)]
    [InlineData(CheckOutcome.Failed, ConnectionStatus.Failing)]
    [InlineData(CheckOutcome.Throttled, ConnectionStatus.Degraded)]
    [InlineData(CheckOutcome.RemoteError, ConnectionStatus.Degraded)]
    [InlineData(CheckOutcome.Slow, ConnectionStatus.Degraded)]
    public void Derive_OneLayerWithAProblem_GivesTheMatchingStatus(CheckOutcome outcome, ConnectionStatus expected)
    {
        var checks = AllLayers(CheckOutcome.Passed, TimeSpan.FromMinutes(1));
        checks[1] = checks[1] with { Outcome = outcome };

        StatusRules.Derive(true, false, checks, Now, Interval).ShouldBe(expected);
    }

    [Fact]
    public void Derive_RejectedCredentialsAndOtherFailures_ReauthorisationWins()
    {
        LayerCheck[] checks = [new(ConnectionLayer.UemToken, CheckOutcome.CredentialsRejected, Now), new(ConnectionLayer.Intelligence, CheckOutcome.Failed, Now)];

        StatusRules.Derive(true, false, checks, Now, Interval).ShouldBe(ConnectionStatus.NeedsReauthorisation);
    }

    [Fact]
    public void StatusOrder_WorstFirst()
    {
        Enum.GetValues<ConnectionStatus>().Order().ShouldBe([ConnectionStatus.Failing, ConnectionStatus.NeedsReauthorisation, ConnectionStatus.Degraded, ConnectionStatus.Stale, ConnectionStatus.SetupInProgress, ConnectionStatus.Connected, ConnectionStatus.NotConfigured]);
    }

    [Theory]
    [InlineData(10, 170, false, null)]
    [InlineData(150, 30, false, 30)]
    [InlineData(160, 20, false, 30)]
    [InlineData(166, 14, false, 14)]
    [InlineData(173, 7, false, 7)]
    [InlineData(179, 1, false, 1)]
    [InlineData(180, 0, true, 0)]
    [InlineData(200, -20, true, 0)]
    public void RotationPolicy_AgeInDays_GivesTheWarningThreshold(int ageDays, int untilDue, bool overdue, int? threshold)
    {
        var assessment = RotationPolicy.Assess(Now.AddDays(-ageDays), Now);

        assessment.AgeDays.ShouldBe(ageDays);
        assessment.DaysUntilDue.ShouldBe(untilDue);
        assessment.IsOverdue.ShouldBe(overdue);
        assessment.WarningThreshold.ShouldBe(threshold);
    }
}
