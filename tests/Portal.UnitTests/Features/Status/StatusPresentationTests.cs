using Portal.Features.Status;
using Portal.Features.Status.Notifications;

namespace Portal.UnitTests.Features.Status;

public sealed class StatusPresentationTests
{
    [Fact]
    public void Sparkline_HeightEncodesSeverity_OldestLeft()
    {
        var points = StatusPresentation.SparklinePoints([CheckOutcome.Passed, CheckOutcome.Throttled, CheckOutcome.Failed], width: 60, height: 16);

        points.ShouldBe("0,2 30,8 60,14");
    }

    [Fact]
    public void Sparkline_RunsAtOneHeightAreOneSegment()
    {
        StatusPresentation.SparklinePoints(Enumerable.Repeat(CheckOutcome.Passed, 20).ToList(), width: 60, height: 16).ShouldBe("0,2 60,2");
        StatusPresentation.SparklinePoints([CheckOutcome.Passed, CheckOutcome.Passed, CheckOutcome.Passed, CheckOutcome.Failed, CheckOutcome.Failed, CheckOutcome.Failed, CheckOutcome.Passed], width: 60, height: 16)
            .ShouldBe("0,2 20,2 30,14 50,14 60,2");
    }

    [Fact]
    public void Sparkline_EmptyAndSingle()
    {
        StatusPresentation.SparklinePoints([]).ShouldBe("");
        StatusPresentation.SparklinePoints([CheckOutcome.Passed], width: 60, height: 16).ShouldBe("30,2");
    }

    [Fact]
    public void Summary_ListsEveryStatusWorstFirstWithZeros()
    {
        var summary = StatusPresentation.Summary(new Dictionary<ConnectionStatus, int> { [ConnectionStatus.Connected] = 5, [ConnectionStatus.Failing] = 2 });

        summary.Select(s => s.Status).ShouldBe(Enum.GetValues<ConnectionStatus>().OrderBy(s => (int)s));
        summary[0].ShouldBe((ConnectionStatus.Failing, 2));
        summary.Single(s => s.Status == ConnectionStatus.Connected).Count.ShouldBe(5);
        summary.Single(s => s.Status == ConnectionStatus.Degraded).Count.ShouldBe(0);
    }

    [Fact]
    public void WorstFirst_OrdersByStatusThenLongestBrokenThenName()
    {
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var rows = new[]
        {
            (Name: "b", Status: ConnectionStatus.Connected, Since: (DateTime?)t0),
            (Name: "a", Status: ConnectionStatus.Failing, Since: (DateTime?)t0.AddHours(2)),
            (Name: "c", Status: ConnectionStatus.Failing, Since: (DateTime?)t0),
            (Name: "d", Status: ConnectionStatus.NeedsReauthorisation, Since: (DateTime?)null),
        };

        StatusPresentation.WorstFirst(rows, r => r.Status, r => r.Since, r => r.Name).Select(r => r.Name).ShouldBe(["c", "a", "d", "b"]);
    }

    [Theory]
    [InlineData(null, AttestationRules.State.Never)]
    [InlineData(10, AttestationRules.State.Current)]
    [InlineData(80, AttestationRules.State.DueSoon)]
    [InlineData(90, AttestationRules.State.Overdue)]
    [InlineData(200, AttestationRules.State.Overdue)]
    public void Attestation_AgeRules(int? daysAgo, AttestationRules.State expected)
    {
        var now = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        AttestationRules.Assess(daysAgo is { } d ? now.AddDays(-d) : null, now, overdueDays: 90).ShouldBe(expected);
    }

    [Fact]
    public void Attestation_CommentRequiredAndLimited()
    {
        AttestationRules.ValidateComment("  ").ShouldNotBeNull();
        AttestationRules.ValidateComment(new string('x', StatusAttestation.CommentMaxLength + 1)).ShouldNotBeNull();
        AttestationRules.ValidateComment("Checked with customer").ShouldBeNull();
    }

    [Theory]
    [InlineData(null, ConnectionStatus.Failing, NotificationEventKind.TurnedFailing)]
    [InlineData(ConnectionStatus.Connected, ConnectionStatus.Failing, NotificationEventKind.TurnedFailing)]
    [InlineData(ConnectionStatus.Connected, ConnectionStatus.NeedsReauthorisation, NotificationEventKind.ReauthorisationNeeded)]
    [InlineData(ConnectionStatus.Failing, ConnectionStatus.Connected, NotificationEventKind.Recovered)]
    [InlineData(ConnectionStatus.Degraded, ConnectionStatus.Connected, NotificationEventKind.Recovered)]
    [InlineData(ConnectionStatus.Connected, ConnectionStatus.Degraded, NotificationEventKind.Degraded)]
    public void Classify_NotifiesOnMeaningfulChanges(ConnectionStatus? previous, ConnectionStatus current, NotificationEventKind expected) =>
        NotificationRules.Classify(previous, current).ShouldBe(expected);

    [Theory]
    [InlineData(ConnectionStatus.Failing, ConnectionStatus.Failing)]
    [InlineData(ConnectionStatus.Connected, ConnectionStatus.Stale)]
    [InlineData(ConnectionStatus.Stale, ConnectionStatus.Connected)]
    [InlineData(null, ConnectionStatus.Connected)]
    [InlineData(null, ConnectionStatus.NotConfigured)]
    public void Classify_DebouncesRepeatsAndNoise(ConnectionStatus? previous, ConnectionStatus current) =>
        NotificationRules.Classify(previous, current).ShouldBeNull();

    [Fact]
    public void StatusChangeKey_SameChangeSameKey_NewChangeNewKey()
    {
        var t = new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);
        NotificationRules.StatusChangeKey(7, ConnectionStatus.Failing, t).ShouldBe(NotificationRules.StatusChangeKey(7, ConnectionStatus.Failing, t));
        NotificationRules.StatusChangeKey(7, ConnectionStatus.Failing, t.AddMinutes(15)).ShouldNotBe(NotificationRules.StatusChangeKey(7, ConnectionStatus.Failing, t));
        NotificationRules.RotationKey(7, "UemClientSecret", t, 30).ShouldNotBe(NotificationRules.RotationKey(7, "UemClientSecret", t, 14));
    }

    [Fact]
    public void StatusMessage_NamesTenantAndStatus()
    {
        var (subject, body) = NotificationRules.StatusMessage(NotificationEventKind.TurnedFailing, "Contoso", ConnectionStatus.Connected, ConnectionStatus.Failing, "Role lacks permission", "Grant the API role", null);

        subject.ShouldContain("Contoso");
        subject.ShouldContain("Failing");
        body.ShouldContain("was Connected");
        body.ShouldContain("Fix: Grant the API role");
    }

    [Fact]
    public void Jitter_SpreadsTenantsWithinOneInterval()
    {
        var interval = TimeSpan.FromMinutes(15);
        var offsets = Enumerable.Range(1, 200).Select(id => StatusSweeper.Jitter(id, interval)).ToList();

        offsets.ShouldAllBe(o => o >= TimeSpan.Zero && o < interval);
        offsets.Select(o => (int)o.TotalSeconds).Distinct().Count().ShouldBeGreaterThan(150);
    }

    [Fact]
    public void QueryString_RoundTrips()
    {
        var query = new StatusBoardQuery { Search = "con so", Tag = "emea", RegionId = 3, Status = ConnectionStatus.Failing };
        var text = StatusQueryString.Build(query);
        var parsed = StatusQueryString.Parse(text.TrimStart('?').Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => (string?)Uri.UnescapeDataString(p[1])));

        parsed.Search.ShouldBe("con so");
        parsed.Tag.ShouldBe("emea");
        parsed.RegionId.ShouldBe(3);
        parsed.Status.ShouldBe(ConnectionStatus.Failing);
    }
}
