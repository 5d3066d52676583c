using System.Globalization;
using System.Net;

namespace Portal.Features.Status.Notifications;

/// <summary>A number in [0, 1) for retry jitter; replaced in tests so delays are deterministic.</summary>
public interface IRetryJitter
{
    double Next();
}

public sealed class RandomRetryJitter : IRetryJitter
{
    public double Next() => Random.Shared.NextDouble();
}

/// <summary>When a failed delivery is tried again: never for a permanent refusal, never sooner than the receiver asked.</summary>
public static class DeliveryRetryPolicy
{
    /// <summary>
    /// A 4xx says the request itself is wrong, so repeating it cannot help; except 408 (the receiver timed out) and 429
    /// (too many requests), which say "later".
    /// </summary>
    public static bool IsPermanent(HttpStatusCode status) =>
        (int)status is >= 400 and < 500 && status is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);

    /// <summary>
    /// Full jitter: a uniform wait below a ceiling that doubles each attempt (base, 2×base, 4×base…, capped), so many
    /// channels failing at once do not retry in step. A receiver's Retry-After is a floor (also capped).
    /// </summary>
    public static TimeSpan NextDelay(int attempt, TimeSpan? retryAfter, NotificationOptions options, double jitter)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cap = TimeSpan.FromSeconds(options.MaxRetryDelaySeconds);
        var ceiling = TimeSpan.FromSeconds(Math.Min(options.MaxRetryDelaySeconds, options.RetryBaseSeconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30))));
        var backoff = ceiling * Math.Clamp(jitter, 0, 1);
        return retryAfter is { } asked && asked > backoff ? (asked < cap ? asked : cap) : backoff;
    }

    /// <summary>What a helpdesk person reads for a refused webhook post: the status, what it means and the fix.</summary>
    public static string Diagnose(HttpStatusCode status, string? reason)
    {
        var code = ((int)status).ToString(CultureInfo.InvariantCulture);
        var answered = $"Webhook answered {code} {reason}".TrimEnd();
        return status switch
        {
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity =>
                $"{answered}: the receiver refuses the message format. Not retried. Check the channel's format matches the receiver (Teams Workflows need Teams, Slack needs Slack).",
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                $"{answered}: the receiver does not accept this webhook's token or signature. Not retried. Paste a fresh webhook URL, or give the receiver the channel's current signing secret.",
            HttpStatusCode.NotFound or HttpStatusCode.Gone =>
                $"{answered}: the webhook no longer exists at the receiver. Not retried. Create a new webhook there and paste its URL into the channel.",
            HttpStatusCode.RequestEntityTooLarge =>
                $"{answered}: the message is larger than the receiver accepts. Not retried. Use a generic JSON or e-mail channel for this receiver.",
            _ when IsPermanent(status) => $"{answered}: the receiver refuses the request. Not retried. Check the webhook URL and format with the receiver's owner.",
            _ => answered,
        };
    }
}

/// <summary>A webhook answered with a non-success status; <see cref="Permanent"/> ones are given up at once.</summary>
public sealed class WebhookRejectedException : HttpRequestException
{
    public WebhookRejectedException(HttpStatusCode status, string message, TimeSpan? retryAfter, bool permanent)
        : base(message, null, status)
    {
        RetryAfter = retryAfter;
        Permanent = permanent;
    }

    public WebhookRejectedException()
    {
    }

    public WebhookRejectedException(string message)
        : base(message)
    {
    }

    public WebhookRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The receiver's Retry-After, as a wait from when it answered.</summary>
    public TimeSpan? RetryAfter { get; }

    public bool Permanent { get; }
}
