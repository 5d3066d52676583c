using System.Globalization;

namespace Portal.Integrations;

/// <summary>A service's rate-limit state as its last response reported it (<c>X-RateLimit-*</c>).</summary>
public sealed record RateLimitReading(int Limit, int Remaining, DateTimeOffset? ResetAt, DateTimeOffset ReadAt)
{
    /// <summary>True when at most <paramref name="percent"/> % of the limit remains.</summary>
    public bool IsLow(double percent) => Limit > 0 && Remaining * 100.0 <= Limit * percent;
}

/// <summary>
/// Reads UEM's <c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c> and <c>X-RateLimit-Reset</c> (the end of the
/// current window, in Unix epoch seconds). Missing or unparsable headers mean "no reading".
/// </summary>
internal static class RateLimitHeaders
{
    public const string Limit = "X-RateLimit-Limit";
    public const string Remaining = "X-RateLimit-Remaining";
    public const string Reset = "X-RateLimit-Reset";

    public static RateLimitReading? Read(HttpResponseMessage? response, TimeProvider time) =>
        response is not null && Int(response, Limit) is { } limit && Int(response, Remaining) is { } remaining
            ? new RateLimitReading(limit, remaining, ResetAt(response), time.GetUtcNow())
            : null;

    /// <summary>When the window ends; values outside the range of dates are ignored.</summary>
    public static DateTimeOffset? ResetAt(HttpResponseMessage? response) =>
        response is not null && Long(response, Reset) is { } seconds && seconds >= 0 && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static int? Int(HttpResponseMessage response, string name) =>
        Long(response, name) is { } value and >= 0 and <= int.MaxValue ? (int)value : null;

    private static long? Long(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
