using System.Net;
using Polly;
using Polly.Timeout;
using Portal.Integrations;

namespace Portal.UnitTests.Integrations;

public sealed class RetryPolicyTests
{
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(20);

    private static HttpResponseMessage Response(HttpStatusCode status, int? retryAfterSeconds = null)
    {
        var response = new HttpResponseMessage(status);
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        }

        return response;
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, null, true)]
    [InlineData(HttpStatusCode.TooManyRequests, 5, true)]
    [InlineData(HttpStatusCode.TooManyRequests, 120, false)]
    [InlineData(HttpStatusCode.ServiceUnavailable, null, true)]
    [InlineData(HttpStatusCode.RequestTimeout, null, true)]
    [InlineData(HttpStatusCode.Unauthorized, null, false)]
    [InlineData(HttpStatusCode.Forbidden, null, false)]
    [InlineData(HttpStatusCode.NotFound, null, false)]
    [InlineData(HttpStatusCode.OK, null, false)]
    public void ShouldRetry_StatusCodes_OnlyTransientWithinCap(HttpStatusCode status, int? retryAfter, bool expected)
    {
        using var response = Response(status, retryAfter);

        IntegrationsServiceCollectionExtensions.ShouldRetry(Outcome.FromResult(response), Cap, TimeProvider.System).ShouldBe(expected);
    }

    [Fact]
    public void ShouldRetry_Exceptions_TimeoutsAndConnectYesDnsAndTlsNo()
    {
        IntegrationsServiceCollectionExtensions.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException()), Cap, TimeProvider.System).ShouldBeTrue();
        IntegrationsServiceCollectionExtensions.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError)), Cap, TimeProvider.System).ShouldBeTrue();
        IntegrationsServiceCollectionExtensions.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.NameResolutionError)), Cap, TimeProvider.System).ShouldBeFalse();
        IntegrationsServiceCollectionExtensions.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.SecureConnectionError)), Cap, TimeProvider.System).ShouldBeFalse();
    }

    [Fact]
    public void RetryAfter_DeltaHeader_ReturnsDelay()
    {
        using var response = Response(HttpStatusCode.TooManyRequests, 7);

        RetryAfterHeader.Wait(response, TimeProvider.System).ShouldBe(TimeSpan.FromSeconds(7));
        RetryAfterHeader.Wait(null, TimeProvider.System).ShouldBeNull();
    }

    [Fact]
    public void ResilienceOptions_RetryAfterCapAboveTotalTimeout_Invalid()
    {
        var options = new IntegrationResilienceOptions { TotalTimeoutSeconds = 10, MaxRetryAfterSeconds = 15 };

        var results = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        results.ShouldContain(r => r.MemberNames.Contains(nameof(IntegrationResilienceOptions.MaxRetryAfterSeconds)));
    }
}
