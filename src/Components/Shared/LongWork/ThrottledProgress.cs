namespace Portal.Components.Shared.LongWork;

/// <summary>
/// Passes progress on at most once per <c>interval</c> (plus the first report and the one reaching the total), so a page
/// re-renders its circuit a few times a second rather than once per row. <see cref="Latest"/> is always current.
/// </summary>
public sealed class ThrottledProgress(Action<WorkProgress> onReport, TimeSpan interval, TimeProvider? clock = null) : IProgress<WorkProgress>
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private long? _lastForwarded;
    private WorkProgress _latest;

    /// <summary>Pass on four times a second: the rate the panel's bar and the screen reader can follow.</summary>
    public ThrottledProgress(Action<WorkProgress> onReport)
        : this(onReport, TimeSpan.FromMilliseconds(250))
    {
    }

    public WorkProgress Latest
    {
        get
        {
            lock (_gate)
            {
                return _latest;
            }
        }
    }

    public void Report(WorkProgress value)
    {
        lock (_gate)
        {
            _latest = value;
            var now = _clock.GetTimestamp();
            var finished = value.Total is { } total && value.Done >= total;
            if (_lastForwarded is { } last && !finished && _clock.GetElapsedTime(last, now) < interval)
            {
                return;
            }

            _lastForwarded = now;
        }

        onReport(value);
    }
}
