using System.ComponentModel.DataAnnotations;

namespace Portal.Integrations;

/// <summary>Token caching for every client-credentials client (UEM and Intelligence).</summary>
public sealed class TokenCacheOptions
{
    public const string SectionName = "Integrations:Tokens";

    /// <summary>A cached token is replaced this long before it expires (Omnissa's SDK uses 5 minutes).</summary>
    [Range(0, 1800)]
    public double RefreshSkewSeconds { get; set; } = 300;
}

/// <summary>When the portal warns about a UEM tenant's REST API rate limit (read from the <c>X-RateLimit-*</c> headers).</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Integrations:RateLimit";

    /// <summary>Checks warn when at most this share (%) of the tenant's calls remains in the current window; 0 turns the warning off.</summary>
    [Range(0, 100)]
    public double WarnWhenRemainingPercentAtMost { get; set; } = 10;
}

/// <summary>Settings of the one standard resilience handler on each integration HttpClient.</summary>
public sealed class IntegrationResilienceOptions : IValidatableObject
{
    public const string SectionName = "Integrations:Resilience";

    [Range(0.05, 120)]
    public double AttemptTimeoutSeconds { get; set; } = 10;

    [Range(0.1, 600)]
    public double TotalTimeoutSeconds { get; set; } = 30;

    [Range(1, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    [Range(1, 30000)]
    public int RetryBaseDelayMilliseconds { get; set; } = 1000;

    /// <summary>A 429/503 whose Retry-After asks for longer than this is not retried: the caller is told when to come back.</summary>
    [Range(0, 600)]
    public double MaxRetryAfterSeconds { get; set; } = 20;

    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Low on purpose: per-tenant hosts see few calls, and the default of 100 would never trip.</summary>
    [Range(2, 1000)]
    public int BreakerMinimumThroughput { get; set; } = 5;

    [Range(0.5, 3600)]
    public double BreakerSamplingSeconds { get; set; } = 30;

    [Range(0.5, 3600)]
    public double BreakerBreakSeconds { get; set; } = 15;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AttemptTimeoutSeconds > TotalTimeoutSeconds)
        {
            yield return new ValidationResult("AttemptTimeoutSeconds must not exceed TotalTimeoutSeconds.", [nameof(AttemptTimeoutSeconds)]);
        }

        if (MaxRetryAfterSeconds >= TotalTimeoutSeconds)
        {
            yield return new ValidationResult("MaxRetryAfterSeconds must stay below TotalTimeoutSeconds, or a honoured Retry-After would always time out.", [nameof(MaxRetryAfterSeconds)]);
        }

        if (BreakerSamplingSeconds < 2 * AttemptTimeoutSeconds)
        {
            yield return new ValidationResult("BreakerSamplingSeconds must be at least twice AttemptTimeoutSeconds.", [nameof(BreakerSamplingSeconds)]);
        }
    }
}
