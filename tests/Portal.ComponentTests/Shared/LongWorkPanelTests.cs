using Portal.Components.Shared.LongWork;

namespace Portal.ComponentTests.Shared;

/// <summary>The shared progress panel used by verify, exports, the evidence pack and the CSV import.</summary>
public sealed class LongWorkPanelTests : PortalComponentTest
{
    [Fact]
    public void Running_ShowsDoneOfTotal_InAPoliteLiveRegion_AndALabelledBar()
    {
        var panel = Render<LongWorkPanel>(p => p
            .Add(c => c.Title, "Exporting the audit trail")
            .Add(c => c.Running, true)
            .Add(c => c.Unit, "rows")
            .Add(c => c.Progress, new WorkProgress(1234, 10000)));

        var status = panel.Find("[data-testid=long-work-status]");
        status.TextContent.ShouldBe("1,234 of 10,000 rows");
        status.GetAttribute("aria-live").ShouldBe("polite");
        status.GetAttribute("role").ShouldBe("status");
        var bar = panel.Find("[role=progressbar]");
        panel.Find("#" + bar.GetAttribute("aria-labelledby")).TextContent.ShouldBe("Exporting the audit trail");
        bar.GetAttribute("aria-valuenow").ShouldStartWith("12.34");
    }

    [Fact]
    public void UnknownTotal_ShowsPhaseAndCount_WithAnIndeterminateBar()
    {
        var panel = Render<LongWorkPanel>(p => p
            .Add(c => c.Title, "Verifying")
            .Add(c => c.Running, true)
            .Add(c => c.Progress, new WorkProgress(0, null, "Counting")));

        panel.Find("[data-testid=long-work-status]").TextContent.ShouldBe("Counting: 0");
        panel.Markup.ShouldContain("mud-progress-indeterminate");
    }

    [Fact]
    public void Cancel_InvokesTheCallbackOnce_AndDisablesTheButton()
    {
        var cancels = 0;
        var panel = Render<LongWorkPanel>(p => p
            .Add(c => c.Title, "Exporting")
            .Add(c => c.Running, true)
            .Add(c => c.Progress, new WorkProgress(5, 10))
            .Add(c => c.OnCancel, () => cancels++));

        panel.Find("button[aria-label='Cancel Exporting']").Click();

        cancels.ShouldBe(1);
        panel.Find("button[aria-label='Cancel Exporting']").HasAttribute("disabled").ShouldBeTrue();
        panel.Find("button[aria-label='Cancel Exporting']").TextContent.ShouldContain("Cancelling");
    }

    [Fact]
    public void NotRunning_RendersNothing()
    {
        var panel = Render<LongWorkPanel>(p => p.Add(c => c.Title, "Exporting").Add(c => c.Running, false));

        panel.Markup.Trim().ShouldBeEmpty();
    }

    [Theory]
    [InlineData(0, 0L, 100d)]
    [InlineData(50, 200L, 25d)]
    [InlineData(300, 200L, 100d)]
    public void Percent_IsClampedAndCompleteForAnEmptyJob(long done, long total, double expected) =>
        new WorkProgress(done, total).Percent.ShouldBe(expected);

    [Fact]
    public void Percent_IsNullWhileTheTotalIsUnknown() => new WorkProgress(7, null).Percent.ShouldBeNull();
}
