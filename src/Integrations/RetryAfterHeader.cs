using System.Net.Http.Headers;

namespace Portal.Integrations;

/// <summary>
/// The one reading of a <c>Retry-After</c> header (RFC 9110 §10.2.3): delta-seconds or an HTTP-date, against the
/// caller's clock, with UEM's <c>X-RateLimit-Reset</c> standing in on a 429 that has none. A header that is absent or
/// does not parse means "no advice".
/// </summary>
internal static class RetryAfterHeader
{
    /// <summary>When the service allows the next call: now plus the delta, or the date as sent (even when past).</summary>
    public static DateTimeOffset? RetryAt(RetryConditionHeaderValue? header, DateTimeOffset now) =>
        header?.Delta is { } delta ? now + delta : header?.Date;

    /// <summary>How long to wait before the next call; a date in the past (or a negative delta) is no wait at all.</summary>
    public static TimeSpan? Wait(RetryConditionHeaderValue? header, DateTimeOffset now) =>
        RetryAt(header, now) is { } at ? (at > now ? at - now : TimeSpan.Zero) : null;

    /// <summary>
    /// When the service allows the next call: <c>Retry-After</c>, or on a 429 without it the end of the rate-limit
    /// window (<c>X-RateLimit-Reset</c>, which UEM sends instead).
    /// </summary>
    public static DateTimeOffset? RetryAt(HttpResponseMessage? response, TimeProvider time) => RetryAt(response, time.GetUtcNow());

    /// <summary>How long to wait before the next call (see <see cref="RetryAt(HttpResponseMessage?, TimeProvider)"/>); a past instant is no wait.</summary>
    public static TimeSpan? Wait(HttpResponseMessage? response, TimeProvider time)
    {
        var now = time.GetUtcNow(); // one reading: a delta must come back exact
        return RetryAt(response, now) is { } at ? (at > now ? at - now : TimeSpan.Zero) : null;
    }

    private static DateTimeOffset? RetryAt(HttpResponseMessage? response, DateTimeOffset now) =>
        RetryAt(response?.Headers.RetryAfter, now)
            ?? (response?.StatusCode == System.Net.HttpStatusCode.TooManyRequests ? RateLimitHeaders.ResetAt(response) : null);
}
