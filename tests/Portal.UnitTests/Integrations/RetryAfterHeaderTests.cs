using System.Net;
using Microsoft.Extensions.Time.Testing;
using Portal.Integrations;

namespace Portal.UnitTests.Integrations;

public sealed class RetryAfterHeaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);

    private static HttpResponseMessage Response(string? retryAfter)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        if (retryAfter is not null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        }

        return response;
    }

    [Fact]
    public void DeltaSeconds_IsTheWait_FromTheGivenClock()
    {
        using var response = Response("120");

        RetryAfterHeader.Wait(response, _time).ShouldBe(TimeSpan.FromSeconds(120));
        RetryAfterHeader.RetryAt(response, _time).ShouldBe(Now.AddSeconds(120));
    }

    [Fact]
    public void HttpDate_IsMeasuredFromTheGivenClock_NotTheMachineClock()
    {
        using var response = Response("Wed, 02 Dec 2026 10:00:30 GMT");

        RetryAfterHeader.Wait(response, _time).ShouldBe(TimeSpan.FromSeconds(30));
        RetryAfterHeader.RetryAt(response, _time).ShouldBe(Now.AddSeconds(30));

        _time.Advance(TimeSpan.FromSeconds(10));
        RetryAfterHeader.Wait(response, _time).ShouldBe(TimeSpan.FromSeconds(20));
        RetryAfterHeader.RetryAt(response, _time).ShouldBe(Now.AddSeconds(30));
    }

    [Fact]
    public void PastDate_IsNoWait_AndKeepsTheDateAsSent()
    {
        using var response = Response("Wed, 02 Dec 2026 09:59:00 GMT");

        RetryAfterHeader.Wait(response, _time).ShouldBe(TimeSpan.Zero);
        RetryAfterHeader.RetryAt(response, _time).ShouldBe(Now.AddMinutes(-1));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("")]
    public void AbsentOrGarbage_IsNoAdvice(string? header)
    {
        using var response = Response(header);

        RetryAfterHeader.Wait(response, _time).ShouldBeNull();
        RetryAfterHeader.RetryAt(response, _time).ShouldBeNull();
    }

    [Fact]
    public void NoResponse_IsNoAdvice()
    {
        RetryAfterHeader.Wait(null, _time).ShouldBeNull();
        RetryAfterHeader.RetryAt(null, _time).ShouldBeNull();
    }

    private static HttpResponseMessage RateLimited(HttpStatusCode status, long resetEpochSeconds, string? retryAfter = null)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.TryAddWithoutValidation("X-RateLimit-Limit", "100");
        response.Headers.TryAddWithoutValidation("X-RateLimit-Remaining", "0");
        response.Headers.TryAddWithoutValidation("X-RateLimit-Reset", resetEpochSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (retryAfter is not null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        }

        return response;
    }

    [Fact]
    public void TooManyRequests_WithoutRetryAfter_WaitsUntilRateLimitReset()
    {
        using var response = RateLimited(HttpStatusCode.TooManyRequests, Now.AddSeconds(45).ToUnixTimeSeconds());

        RetryAfterHeader.RetryAt(response, _time).ShouldBe(Now.AddSeconds(45));
        RetryAfterHeader.Wait(response, _time).ShouldBe(TimeSpan.FromSeconds(45));

        _time.Advance(TimeSpan.FromSeconds(50));
        RetryAfterHeader.Wait(response, _time).ShouldBe(TimeSpan.Zero); // the window has already reset
    }

    [Fact]
    public void TooManyRequests_RetryAfterPresent_WinsOverRateLimitReset()
    {
        using var response = RateLimited(HttpStatusCode.TooManyRequests, Now.AddSeconds(45).ToUnixTimeSeconds(), retryAfter: "5");

        RetryAfterHeader.Wait(response, _time).ShouldBe(TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public void RateLimitReset_OnOtherStatuses_IsNoAdviceToWait(HttpStatusCode status)
    {
        using var response = RateLimited(status, Now.AddSeconds(45).ToUnixTimeSeconds());

        RetryAfterHeader.Wait(response, _time).ShouldBeNull();
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-1")]
    [InlineData("99999999999999999999")]
    public void RateLimitReset_Garbage_IsNoAdvice(string reset)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("X-RateLimit-Reset", reset);

        RetryAfterHeader.Wait(response, _time).ShouldBeNull();
    }

    [Fact]
    public void ShouldRetry_TooManyRequests_ResetBeyondTheCap_IsNotRetried()
    {
        using var soon = RateLimited(HttpStatusCode.TooManyRequests, Now.AddSeconds(10).ToUnixTimeSeconds());
        using var late = RateLimited(HttpStatusCode.TooManyRequests, Now.AddMinutes(10).ToUnixTimeSeconds());

        IntegrationsServiceCollectionExtensions.ShouldRetry(Polly.Outcome.FromResult(soon), TimeSpan.FromSeconds(20), _time).ShouldBeTrue();
        IntegrationsServiceCollectionExtensions.ShouldRetry(Polly.Outcome.FromResult(late), TimeSpan.FromSeconds(20), _time).ShouldBeFalse();
    }

    [Fact]
    public void RateLimitReading_ReadsTheThreeHeaders_AndKnowsWhenFewRemain()
    {
        using var response = RateLimited(HttpStatusCode.OK, Now.AddMinutes(1).ToUnixTimeSeconds());
        response.Headers.Remove("X-RateLimit-Remaining");
        response.Headers.TryAddWithoutValidation("X-RateLimit-Remaining", "10");

        var reading = RateLimitHeaders.Read(response, _time).ShouldNotBeNull();

        reading.ShouldBe(new RateLimitReading(100, 10, Now.AddMinutes(1), Now));
        reading.IsLow(10).ShouldBeTrue();
        reading.IsLow(9).ShouldBeFalse();
        RateLimitHeaders.Read(new HttpResponseMessage(HttpStatusCode.OK), _time).ShouldBeNull();
    }
}
