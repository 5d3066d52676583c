using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Features.Status;
using Portal.Features.Status.Notifications;

namespace Portal.UnitTests.Features.Status;

public sealed class DeliveryRetryPolicyTests
{
    private static readonly NotificationOptions Options = new() { RetryBaseSeconds = 30, MaxRetryDelaySeconds = 3600 };

    [Theory]
    [InlineData(400, true)]
    [InlineData(401, true)]
    [InlineData(403, true)]
    [InlineData(404, true)]
    [InlineData(410, true)]
    [InlineData(413, true)]
    [InlineData(422, true)]
    [InlineData(408, false)]
    [InlineData(429, false)]
    [InlineData(500, false)]
    [InlineData(502, false)]
    [InlineData(503, false)]
    public void IsPermanent_4xxExcept408And429(int status, bool permanent) =>
        DeliveryRetryPolicy.IsPermanent((HttpStatusCode)status).ShouldBe(permanent);

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(8, 3600)] // 30·2^7 = 3840 s, capped
    [InlineData(40, 3600)]
    public void FullJitter_BoundedByTheDoublingCeiling(int attempt, int ceilingSeconds)
    {
        DeliveryRetryPolicy.NextDelay(attempt, null, Options, 0).ShouldBe(TimeSpan.Zero);
        DeliveryRetryPolicy.NextDelay(attempt, null, Options, 0.5).ShouldBe(TimeSpan.FromSeconds(ceilingSeconds / 2.0));
        var highest = DeliveryRetryPolicy.NextDelay(attempt, null, Options, 0.999999);
        highest.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(ceilingSeconds));
        highest.ShouldBeGreaterThan(TimeSpan.FromSeconds(ceilingSeconds * 0.99));
    }

    [Fact]
    public void FullJitter_SpreadsChannelsThatFailedTogether()
    {
        var random = new Random(42);
        var delays = Enumerable.Range(0, 200).Select(_ => DeliveryRetryPolicy.NextDelay(3, null, Options, random.NextDouble())).ToList();

        delays.ShouldAllBe(d => d >= TimeSpan.Zero && d <= TimeSpan.FromSeconds(120));
        delays.Distinct().Count().ShouldBeGreaterThan(150);
    }

    [Fact]
    public void RetryAfter_IsAFloor_CappedBySetting()
    {
        DeliveryRetryPolicy.NextDelay(1, TimeSpan.FromSeconds(120), Options, 0.5).ShouldBe(TimeSpan.FromSeconds(120));
        DeliveryRetryPolicy.NextDelay(8, TimeSpan.FromSeconds(120), Options, 0.5).ShouldBe(TimeSpan.FromSeconds(1800)); // backoff already longer
        DeliveryRetryPolicy.NextDelay(1, TimeSpan.FromDays(3), Options, 0.5).ShouldBe(TimeSpan.FromHours(1)); // a hostile Retry-After cannot park the queue
    }

    [Fact]
    public void Diagnose_NamesTheStatusAndTheFix()
    {
        DeliveryRetryPolicy.Diagnose(HttpStatusCode.Gone, "Gone").ShouldBe(
            "Webhook answered 410 Gone: the webhook no longer exists at the receiver. Not retried. Create a new webhook there and paste its URL into the channel.");
        DeliveryRetryPolicy.Diagnose(HttpStatusCode.ServiceUnavailable, "Service Unavailable").ShouldBe("Webhook answered 503 Service Unavailable");
    }

    [Fact]
    public void Signature_VerifiesOnlyWithTheSecret_TheBody_AndInsideTheWindow()
    {
        var now = new DateTimeOffset(2026, 12, 6, 17, 0, 0, TimeSpan.Zero);
        var secret = WebhookSignature.NewSecret();
        const string Body = """{"event":"Test"}""";
        var header = WebhookSignature.Header(secret, Body, now);

        header.ShouldStartWith("t=1796576400,v1=");
        WebhookSignature.Verify(secret, Body, header, now.AddSeconds(30), TimeSpan.FromMinutes(5)).ShouldBeTrue();
        WebhookSignature.Verify(WebhookSignature.NewSecret(), Body, header, now, TimeSpan.FromMinutes(5)).ShouldBeFalse();
        WebhookSignature.Verify(secret, Body + " ", header, now, TimeSpan.FromMinutes(5)).ShouldBeFalse();
        WebhookSignature.Verify(secret, Body, header, now.AddMinutes(6), TimeSpan.FromMinutes(5)).ShouldBeFalse();
        WebhookSignature.Verify(secret, Body, header.Replace("t=1796576400", "t=1796576460", StringComparison.Ordinal), now, TimeSpan.FromMinutes(5)).ShouldBeFalse();
        WebhookSignature.Verify(secret, Body, "garbage", now, TimeSpan.FromMinutes(5)).ShouldBeFalse();
    }

    [Theory]
    [InlineData("?status=Failing&tag=emea&rotation=due&review=overdue", "?tag=emea&status=Failing&rotation=due&review=overdue")]
    [InlineData("?rotation=OVERDUE", "?rotation=overdue")]
    [InlineData("?rotation=1&review=yes&status=Nope&region=abc", "")]
    [InlineData("?rotation=&review=", "")]
    public void BoardQueryString_ParsesKnownValues_IgnoresBadOnes(string query, string normalized)
    {
        var parsed = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query).ToDictionary(q => q.Key, q => (string?)q.Value.ToString());

        StatusQueryString.Build(StatusQueryString.Parse(parsed)).ShouldBe(normalized);
    }
}

/// <summary>Notifications:PortalBaseUrl is validated at start: links in messages only ever point at the configured portal.</summary>
public sealed class PortalBaseUrlOptionsTests
{
    private static NotificationOptions Resolve(string? value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Notifications:PortalBaseUrl"] = value }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddStatusFeature();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<NotificationOptions>>().Value;
    }

    [Theory]
    [InlineData("https://portal.example.com/", "https://portal.example.com")]
    [InlineData("https://portal.example.com/connector", "https://portal.example.com/connector")]
    [InlineData("", null)]
    public void Accepted(string value, string? portalBase) => Resolve(value).PortalBase.ShouldBe(portalBase);

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("portal.example.com")]
    [InlineData("ftp://portal.example.com")]
    [InlineData("/status")]
    public void Refused_NamingTheSetting(string value) =>
        Should.Throw<OptionsValidationException>(() => Resolve(value)).Message.ShouldContain("Notifications:PortalBaseUrl");
}
