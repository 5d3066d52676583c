using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;
using Portal.Integrations.Egress;
using Portal.Integrations.Intelligence;
using Portal.Integrations.Uem;

namespace Portal.Integrations;

/// <summary>Registers the Workspace ONE typed clients, token cache, verifiers and their options.</summary>
public static class IntegrationsServiceCollectionExtensions
{
    /// <summary>Optional keyed <see cref="TimeProvider"/> for token expiry only (tests use a fake clock without slowing Polly's timers).</summary>
    public const string TokenClockKey = "Portal.Integrations.TokenClock";

    /// <summary>Headers whose values never reach a log line.</summary>
    public static IReadOnlySet<string> SensitiveHeaders { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization",
        UemApiClient.TenantCodeHeader,
        "Cookie",
        "Set-Cookie",
    };

    public static IServiceCollection AddWorkspaceOneIntegrations(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<TokenCacheOptions>().BindConfiguration(TokenCacheOptions.SectionName).ValidateDataAnnotations();
        services.AddOptionsWithValidateOnStart<IntegrationResilienceOptions>().BindConfiguration(IntegrationResilienceOptions.SectionName).ValidateDataAnnotations();
        services.AddOptionsWithValidateOnStart<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations();
        services.TryAddSingleton<UemRateLimits>();
        services.AddEgressGuard();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new AccessTokenCache(
            sp.GetKeyedService<TimeProvider>(TokenClockKey) ?? sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptionsMonitor<TokenCacheOptions>>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));

        // Token clients have their own pipeline; the API clients' retries re-send with the token they already hold.
        // Token POSTs keep their retries: a client-credentials request changes nothing at the token service (a lost
        // reply only means a second token is issued), so it is idempotent in effect.
        Configure(services.AddHttpClient<UemTokenClient>(), withBearerToken: false, retryUnsafeMethods: true);
        // UEM POSTs are device commands (Lock): a retry after a lost reply would send the command twice.
        Configure(services.AddHttpClient<UemApiClient>(), withBearerToken: true, retryUnsafeMethods: false);
        Configure(services.AddHttpClient<IntelligenceTokenClient>(), withBearerToken: false, retryUnsafeMethods: true);
        // Intelligence POSTs are read-only searches (metadata, report search): replaying one changes nothing.
        Configure(services.AddHttpClient<IntelligenceClient>(), withBearerToken: true, retryUnsafeMethods: true);
        services.TryAddTransient<UemTokenProvider>();
        services.TryAddTransient<UemConnectionVerifier>();
        services.TryAddTransient<IntelligenceConnectionVerifier>();
        return services;
    }

    private static void Configure(IHttpClientBuilder client, bool withBearerToken, bool retryUnsafeMethods)
    {
        // Every connection goes through the egress guard. Redirects are not followed: a token or API call that
        // redirects is misconfigured, and following it could leak the bearer token.
        client.ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<EgressGuard>().CreateHttpHandler());
        client.ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan); // the resilience handler owns timeouts
        client.RedactLoggedHeaders(SensitiveHeaders.Contains);
        if (withBearerToken)
        {
            // Added before the resilience handler, so it wraps it: token fetches stay outside the retry loop.
            client.AddHttpMessageHandler(() => new BearerTokenHandler());
        }

        client.AddStandardResilienceHandler()
            .Configure((options, sp) =>
            {
                Apply(options, sp.GetRequiredService<IOptions<IntegrationResilienceOptions>>().Value, sp.GetService<TimeProvider>() ?? TimeProvider.System);
                if (!retryUnsafeMethods)
                {
                    // After Apply: it wraps the ShouldHandle set there, refusing any retry of POST/PUT/PATCH/DELETE.
#pragma warning disable EXTEXP0001 // experimental API, but the documented way to keep the standard pipeline from replaying commands
                    options.Retry.DisableForUnsafeHttpMethods();
#pragma warning restore EXTEXP0001
                }
            })
            .SelectPipelineByAuthority(); // one breaker per tenant host: one bad host never blocks the others
    }

    private static void Apply(HttpStandardResilienceOptions options, IntegrationResilienceOptions settings, TimeProvider time)
    {
        var maxRetryAfter = TimeSpan.FromSeconds(settings.MaxRetryAfterSeconds);
        options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(settings.TotalTimeoutSeconds);
        options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(settings.AttemptTimeoutSeconds);
        options.Retry.MaxRetryAttempts = settings.MaxRetryAttempts;
        options.Retry.BackoffType = DelayBackoffType.Exponential;
        options.Retry.UseJitter = true;
        options.Retry.Delay = TimeSpan.FromMilliseconds(settings.RetryBaseDelayMilliseconds);
        options.Retry.MaxDelay = maxRetryAfter > TimeSpan.Zero ? maxRetryAfter : TimeSpan.FromMilliseconds(settings.RetryBaseDelayMilliseconds);
        options.Retry.ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, maxRetryAfter, time));
        // Our own Retry-After handling (set after disabling the built-in one, which would reset DelayGenerator).
        options.Retry.ShouldRetryAfterHeader = false;
        options.Retry.DelayGenerator = args => ValueTask.FromResult(RetryAfterHeader.Wait(args.Outcome.Result, time));
        options.CircuitBreaker.FailureRatio = settings.BreakerFailureRatio;
        options.CircuitBreaker.MinimumThroughput = settings.BreakerMinimumThroughput;
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(settings.BreakerSamplingSeconds);
        options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(settings.BreakerBreakSeconds);
        // A refusal by the egress guard never reached the host: it must not open the host's breaker and hide its own diagnosis.
        options.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(
            EgressRefusedException.Find(args.Outcome.Exception) is null && HttpClientResiliencePredicates.IsTransient(args.Outcome));
    }

    /// <summary>Retry 408/429/5xx and transport failures; never other 4xx; never a Retry-After beyond the cap (the caller is told when instead).</summary>
    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, TimeSpan maxRetryAfter, TimeProvider time)
    {
        if (outcome.Exception is not null)
        {
            // DNS and TLS failures do not heal within seconds, and an egress refusal never does; retrying them only delays the diagnosis.
            if (EgressRefusedException.Find(outcome.Exception) is not null)
            {
                return false;
            }

            return outcome.Exception is TimeoutRejectedException
                || outcome.Exception is HttpRequestException { HttpRequestError: not (HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError) };
        }

        if (outcome.Result is not { } response)
        {
            return false;
        }

        var status = (int)response.StatusCode;
        if (status is not (408 or 429) && status < 500)
        {
            return false;
        }

        return RetryAfterHeader.Wait(response, time) is not { } wait || wait <= maxRetryAfter;
    }

}
