using Portal.Features.Tenants;

namespace Portal.UnitTests.Features.Tenants;

public sealed class UemUrlsTests
{
    [Theory]
    [InlineData("https://cn1234.awmdm.com", "https://as1234.awmdm.com")]
    [InlineData("https://CN4855.awmdm.com/AirWatch/", "https://as4855.awmdm.com")]
    [InlineData("https://cn135.awmdm.eu", "https://as135.awmdm.eu")]
    [InlineData("https://cn1234.awmdm.com:8443", "https://as1234.awmdm.com:8443")]
    public void DeriveApiUrl_ConsoleHost_SwapsCnForAs(string console, string expected) =>
        UemUrls.DeriveApiUrl(console).ShouldBe(expected);

    [Theory]
    [InlineData("https://uem.contoso.com")]
    [InlineData("https://cnx12.awmdm.com")]
    [InlineData("not a url")]
    [InlineData("")]
    [InlineData(null)]
    public void DeriveApiUrl_HostWithoutCnPattern_ReturnsNull(string? console) =>
        UemUrls.DeriveApiUrl(console).ShouldBeNull();

    [Theory]
    [InlineData("as1234.awmdm.com", true)]
    [InlineData("cn135.awmdm.eu", true)]
    [InlineData("ds1.airwatchportals.com", true)]
    [InlineData("awmdm.com.evil.example", false)]
    [InlineData("evilawmdm.com", false)]
    [InlineData("uem.contoso.com", false)]
    public void IsKnownSaasHost_ChecksDomainSuffix(string host, bool expected) =>
        UemUrls.IsKnownSaasHost(host).ShouldBe(expected);
}
