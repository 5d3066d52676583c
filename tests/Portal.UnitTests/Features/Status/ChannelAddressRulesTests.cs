using Portal.Features.Status.Notifications;
using Portal.UnitTests.Integrations;

namespace Portal.UnitTests.Features.Status;

public sealed class ChannelAddressRulesTests
{
    private static ChannelEditModel Email(Action<ChannelEditModel>? change = null)
    {
        var model = new ChannelEditModel
        {
            Name = "Ops", Kind = NotificationChannelKind.Email, SmtpHost = "smtp.example.com", SmtpPort = 587, SmtpSecurity = SmtpSecurity.StartTls,
            FromAddress = "portal@example.com", ToAddresses = "ops@example.com, lead@example.com",
        };
        change?.Invoke(model);
        return model;
    }

    private static ChannelEditModel Webhook(string url) => new() { Name = "Hook", Kind = NotificationChannelKind.Webhook, NewWebhookUrl = url };

    private static string? Check(ChannelEditModel model, bool allowPlainSmtp = false, params string[] allowed) =>
        NotificationChannelService.Validate(model, isNew: true) ?? ChannelAddressRules.CheckAgainstPolicy(model, EgressRulesTests.Guard(allowed), allowPlainSmtp);

    [Fact]
    public void Valid_EmailAndWebhook_Accepted()
    {
        Check(Email()).ShouldBeNull();
        Check(Webhook("https://contoso.webhook.office.com/webhookb2/abc")).ShouldBeNull();
    }

    [Fact]
    public void SmtpPort70000_RangeMessage() =>
        Check(Email(m => m.SmtpPort = 70000)).ShouldBe("SMTP port 70000 is out of range. Enter a port between 1 and 65535 (usually 587 for StartTls or 465 for SslOnConnect).");

    [Theory]
    [InlineData("smtp example.com")]
    [InlineData("<smtp.example.com>")]
    [InlineData("smtp.example.com>; rm")]
    [InlineData("smtp://smtp.example.com")]
    [InlineData("smtp.example.com:25")]
    public void SmtpHost_NotAHostName_Refused(string host) =>
        Check(Email(m => m.SmtpHost = host)).ShouldNotBeNull().ShouldStartWith("SMTP host is not a valid host name");

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("portal@")]
    [InlineData("Portal <portal@example.com>")]
    [InlineData("portal@localhost")]
    public void FromAddress_Invalid_SaysInvalidNotRequired(string from)
    {
        var message = Check(Email(m => m.FromAddress = from)).ShouldNotBeNull();
        message.ShouldStartWith("From address");
        message.ShouldContain("is not a valid e-mail address");
    }

    [Fact]
    public void ToAddress_OneInvalid_NamesIt()
    {
        var message = Check(Email(m => m.ToAddresses = "ops@example.com, oops")).ShouldNotBeNull();
        message.ShouldBe("To: 'oops' is not a valid e-mail address. Enter addresses like ops@example.com, separated by commas.");
    }

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("10.0.0.1", "RFC 1918")]
    [InlineData("localhost", "loopback")]
    [InlineData("::1", "loopback")]
    public void SmtpHost_Internal_RefusedUnlessAllowed(string host, string rule)
    {
        var message = Check(Email(m => m.SmtpHost = host)).ShouldNotBeNull();
        message.ShouldStartWith("SMTP host: Refused by the egress guard");
        message.ShouldContain(rule);
        message.ShouldContain("Egress:AllowedNetworks");
        Check(Email(m => m.SmtpHost = host), false, "127.0.0.0/8", "::1/128", "169.254.0.0/16", "10.0.0.0/8").ShouldBeNull();
    }

    [Theory]
    [InlineData(SmtpSecurity.None)]
    public void PlainSmtp_RefusedWithoutSetting(SmtpSecurity security)
    {
        Check(Email(m => m.SmtpSecurity = security)).ShouldNotBeNull().ShouldContain("Notifications:AllowPlainSmtp");
        Check(Email(m => m.SmtpSecurity = security), allowPlainSmtp: true).ShouldBeNull();
    }

    [Theory]
    [InlineData("http://127.0.0.1:5432/", "loopback")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local (cloud metadata)")]
    [InlineData("https://[::1]/hook", "loopback")]
    [InlineData("https://localhost/hook", "loopback")]
    public void WebhookUrl_Internal_Refused(string url, string rule)
    {
        var message = Check(Webhook(url)).ShouldNotBeNull();
        message.ShouldStartWith("Webhook URL: Refused by the egress guard");
        message.ShouldContain(rule);
    }

    [Fact]
    public void WebhookUrl_Http_OnlyInsideAllowedNetworks()
    {
        Check(Webhook("http://hooks.example.com/abc")).ShouldNotBeNull().ShouldContain("https://");
        Check(Webhook("http://127.0.0.1:5432/hook"), false, "127.0.0.0/8").ShouldBeNull();
    }

    [Fact]
    public void WebhookUrl_Over2048_NamesTheLimit()
    {
        var message = Check(Webhook("https://hooks.example.com/" + new string('a', 5000))).ShouldNotBeNull();
        message.ShouldBe("Webhook URL is too long (5,026 characters). Use at most 2,048: paste only the webhook address.");
    }

    [Fact]
    public void WebhookUrl_UserInfo_Refused() =>
        Check(Webhook("https://hooks.example.com@evil.example/abc")).ShouldNotBeNull().ShouldContain("user name");
}
