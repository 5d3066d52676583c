using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;
using Portal.Integrations.Egress;

namespace Portal.UnitTests.Integrations;

public sealed class EgressRulesTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.8.9.10", "loopback")]
    [InlineData("10.0.0.1", "RFC 1918")]
    [InlineData("172.16.5.4", "RFC 1918")]
    [InlineData("172.31.255.255", "RFC 1918")]
    [InlineData("192.168.1.1", "RFC 1918")]
    [InlineData("169.254.169.254", "link-local (cloud metadata)")]
    [InlineData("169.254.1.1", "link-local")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("100.127.255.254", "carrier-grade NAT")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("::1", "loopback")]
    [InlineData("::", "unspecified")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fd00::1", "ULA")]
    [InlineData("fd00:ec2::254", "ULA")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:169.254.169.254", "link-local (cloud metadata)")]
    [InlineData("::ffff:10.1.2.3", "RFC 1918")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local (cloud metadata)")]
    public void ForbiddenBy_InternalAddress_NamesTheRule(string address, string rule) =>
        EgressRules.ForbiddenBy(IPAddress.Parse(address)).ShouldNotBeNull().ShouldContain(rule);

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("104.16.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void ForbiddenBy_PublicAddress_Null(string address) => EgressRules.ForbiddenBy(IPAddress.Parse(address)).ShouldBeNull();

    [Fact]
    public void Check_AllowList_OpensOnlyItsNetwork_IncludingMappedForms()
    {
        var guard = Guard("10.20.0.0/16");

        guard.Check("uem.lab", 443, IPAddress.Parse("10.20.3.4")).ShouldBeNull();
        guard.Check("uem.lab", 443, IPAddress.Parse("::ffff:10.20.3.4")).ShouldBeNull();
        guard.Check("uem.lab", 443, IPAddress.Parse("10.21.0.1")).ShouldNotBeNull().Message.ShouldContain("Egress:AllowedNetworks");
        guard.Check("metadata", 80, IPAddress.Parse("169.254.169.254")).ShouldNotBeNull();
    }

    [Fact]
    public void Check_Refusal_NamesRuleAndSetting()
    {
        var refusal = Guard().Check("169.254.169.254", 80, IPAddress.Parse("169.254.169.254")).ShouldNotBeNull();

        refusal.Message.ShouldBe("Refused by the egress guard: 169.254.169.254 is link-local (cloud metadata). To allow a lab network add it to Egress:AllowedNetworks.");
        Guard().Check("evil.test", 443, IPAddress.Loopback).ShouldNotBeNull().Message.ShouldContain("evil.test resolves to 127.0.0.1, which is loopback");
    }

    [Fact]
    public void CheckLiteral_DemoEndpointOnly_NotOtherLoopbackPorts()
    {
        var guard = new EgressGuard(new DnsEgressResolver(), new FixedOptions(new EgressOptions()), new Demo(new Uri("http://127.0.0.1:5080/")));

        guard.CheckLiteral("127.0.0.1", 5080).ShouldBeNull();
        guard.CheckLiteral("127.0.0.1", 5432).ShouldNotBeNull().ShouldContain("loopback");
        guard.CheckLiteral("localhost", 5432).ShouldNotBeNull().ShouldContain("loopback");
        Guard().CheckLiteral("127.0.0.1", 5080).ShouldNotBeNull();
    }

    [Theory]
    [InlineData("10.0.0.1/8")]
    [InlineData("not-a-network")]
    [InlineData("10.0.0.0/33")]
    public void Options_InvalidCidr_NamesSettingAndFormat(string entry)
    {
        var options = new EgressOptions();
        options.AllowedNetworks.Add(entry);

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true).ShouldBeFalse();
        results.ShouldHaveSingleItem().ErrorMessage.ShouldNotBeNull().ShouldContain("Egress:AllowedNetworks entry '" + entry + "' is not a CIDR network");
    }

    internal static EgressGuard Guard(params string[] allowed)
    {
        var options = new EgressOptions();
        foreach (var network in allowed)
        {
            options.AllowedNetworks.Add(network);
        }

        return new EgressGuard(new DnsEgressResolver(), new FixedOptions(options));
    }

    internal sealed class FixedOptions(EgressOptions value) : IOptionsMonitor<EgressOptions>
    {
        public EgressOptions CurrentValue => value;

        public EgressOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<EgressOptions, string?> listener) => null;
    }

    private sealed class Demo(Uri baseUrl) : IEgressDemoEndpoint
    {
        public Uri BaseUrl => baseUrl;
    }
}
