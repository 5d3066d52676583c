using System.ComponentModel.DataAnnotations;

namespace Portal.Features.Setup.Steps.Automation;

/// <summary>Step 6: how the portal watches the test device's UEM event log for the automation's Lock.</summary>
public sealed class AutomationWatchOptions
{
    public const string SectionName = "Setup:AutomationWatch";

    /// <summary>Seconds between two reads of the event log while waiting (each read is two UEM calls).</summary>
    [Range(1, 300)]
    public int PollIntervalSeconds { get; set; } = 10;

    /// <summary>Longest wait for one watch, in seconds; the user can watch again or cancel sooner.</summary>
    [Range(0, 3600)]
    public int MaxWaitSeconds { get; set; } = 300;
}
