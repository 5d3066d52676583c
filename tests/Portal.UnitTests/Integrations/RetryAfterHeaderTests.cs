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
}
