using System.Net;
using Portal.Features.Telemetry;

namespace Portal.IntegrationTests.Features.Telemetry;

/// <summary>The scrape gate's and the span redaction's rules on their own, for the cases a live request cannot easily stage.</summary>
public sealed class TelemetryRulesTests
{
    private const string Token = "scrape-token-0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")] // a dual-stack socket's form of an IPv4 loopback client
    public void Gate_Defaults_LetLoopbackIn(string address) =>
        MetricsScrapeGate.Decide("", IPAddress.Parse(address), new MetricsOptions()).ShouldBeNull();

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("192.168.1.20")]
    [InlineData("::ffff:10.0.0.5")]
    [InlineData("fe80::1")]
    public void Gate_Defaults_KeepEveryOtherNetworkOut(string address) =>
        MetricsScrapeGate.Decide("", IPAddress.Parse(address), new MetricsOptions()).ShouldNotBeNull();

    [Fact]
    public void Gate_UnknownClientAddress_IsRefused() =>
        MetricsScrapeGate.Decide("", null, new MetricsOptions()).ShouldNotBeNull();

    [Fact]
    public void Gate_WrongToken_IsRefusedEvenFromAnAllowedNetwork() =>
        MetricsScrapeGate.Decide("Bearer not-the-token", IPAddress.Loopback, new MetricsOptions { ScrapeToken = Token }).ShouldNotBeNull();

    [Fact]
    public void Gate_AnyTokenWhenNoneIsConfigured_IsRefused() =>
        MetricsScrapeGate.Decide("Bearer ", IPAddress.Parse("203.0.113.7"), new MetricsOptions()).ShouldNotBeNull();

    [Theory]
    [InlineData("Bearer " + Token)]
    [InlineData("bearer " + Token)]
    [InlineData("Bearer  " + Token + " ")]
    public void Gate_RightToken_LetsAnyNetworkIn(string authorization) =>
        MetricsScrapeGate.Decide(authorization, IPAddress.Parse("203.0.113.7"), new MetricsOptions { ScrapeToken = Token }).ShouldBeNull();

    [Theory]
    [InlineData("https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/SECRET/xyz?x=1", false, "https://contoso.webhook.office.com/")]
    [InlineData("https://hooks.slack.com/services/T000/B000/SECRET", false, "https://hooks.slack.com/")]
    [InlineData("https://user:SECRET@collector.example:8443/v1/traces", false, "https://collector.example:8443/")]
    [InlineData("http://127.0.0.1:5080/api/v1/tenants?access_token=SECRET", true, "http://127.0.0.1:5080/api/v1/tenants")]
    [InlineData("not a url SECRET", true, "[redacted]")]
    public void Redaction_KeepsNoSecretOfAUrl(string url, bool keepPath, string expected)
    {
        var redacted = SpanRedaction.Redact(url, keepPath);

        redacted.ShouldBe(expected);
        redacted.ShouldNotContain("SECRET");
    }
}
