using System.Net.Http.Headers;

namespace Portal.Integrations;

/// <summary>
/// The one reading of a <c>Retry-After</c> header (RFC 9110 §10.2.3): delta-seconds or an HTTP-date, against the
/// caller's clock. A header that is absent or does not parse means "no advice".
/// </summary>
internal static class RetryAfterHeader
{
    /// <summary>When the service allows the next call: now plus the delta, or the date as sent (even when past).</summary>
    public static DateTimeOffset? RetryAt(RetryConditionHeaderValue? header, DateTimeOffset now) =>
        header?.Delta is { } delta ? now + delta : header?.Date;

    /// <summary>How long to wait before the next call; a date in the past (or a negative delta) is no wait at all.</summary>
    public static TimeSpan? Wait(RetryConditionHeaderValue? header, DateTimeOffset now) =>
        RetryAt(header, now) is { } at ? (at > now ? at - now : TimeSpan.Zero) : null;

    /// <inheritdoc cref="RetryAt(RetryConditionHeaderValue?, DateTimeOffset)"/>
    public static DateTimeOffset? RetryAt(HttpResponseMessage? response, TimeProvider time) =>
        RetryAt(response?.Headers.RetryAfter, time.GetUtcNow());

    /// <inheritdoc cref="Wait(RetryConditionHeaderValue?, DateTimeOffset)"/>
    public static TimeSpan? Wait(HttpResponseMessage? response, TimeProvider time) =>
        Wait(response?.Headers.RetryAfter, time.GetUtcNow());
}
