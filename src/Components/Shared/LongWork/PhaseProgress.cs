namespace Portal.Components.Shared.LongWork;

public static class PhaseProgress
{
    /// <summary>Reports of one step of a longer job, labelled with its phase ("Verifying the audit chain").</summary>
    public static IProgress<WorkProgress>? WithPhase(this IProgress<WorkProgress>? progress, string phase) =>
        progress is null ? null : new Phased(progress, phase);

    private sealed class Phased(IProgress<WorkProgress> inner, string phase) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => inner.Report(value with { Phase = phase });
    }
}
