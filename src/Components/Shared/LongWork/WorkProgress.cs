using System.Globalization;

namespace Portal.Components.Shared.LongWork;

/// <summary>
/// How far a long piece of work has come: <paramref name="Done"/> items of <paramref name="Total"/> (null while the
/// total is unknown), in an optional named <paramref name="Phase"/> ("Counting", "Writing rows").
/// </summary>
public readonly record struct WorkProgress(long Done, long? Total, string? Phase = null)
{
    /// <summary>0–100, or null while the total is unknown (an indeterminate bar). Never above 100, even if rows were added meanwhile.</summary>
    public double? Percent => Total switch
    {
        null => null,
        <= 0 => 100,
        { } total => Math.Clamp(Done * 100d / total, 0, 100),
    };

    /// <summary>"1,234 of 10,000", or "1,234" while the total is unknown (invariant digits: the portal's UI is English).</summary>
    public string Describe(string? unit = null)
    {
        var done = Done.ToString("N0", CultureInfo.InvariantCulture);
        var text = Total is { } total ? $"{done} of {total.ToString("N0", CultureInfo.InvariantCulture)}" : done;
        return unit is null ? text : $"{text} {unit}";
    }
}
