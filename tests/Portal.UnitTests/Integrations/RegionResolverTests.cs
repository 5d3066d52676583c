using Portal.Integrations;

namespace Portal.UnitTests.Integrations;

public sealed class RegionResolverTests
{
    [Theory]
    [InlineData("https://na.uemauth.workspaceone.com/connect/token", "na", false)]
    [InlineData("https://emea.uemauth.vmwservices.com/connect/token", "emea", true)]
    [InlineData("https://uat.uemauth.workspaceone.com/connect/token", "uat", false)]
    public void TokenUrlRegion_OfficialHosts_RegionAndLegacyFlag(string url, string region, bool legacy)
    {
        RegionResolver.TokenUrlRegion(new Uri(url), out var isLegacy, out var simulated).ShouldBe(region);
        isLegacy.ShouldBe(legacy);
        simulated.ShouldBeFalse();
    }

    [Fact]
    public void Assess_MatchingCurrentHost_NoProblems()
    {
        var result = RegionResolver.Assess(new Uri("https://na.uemauth.workspaceone.com/connect/token"), new Uri("https://as1234.awmdm.com"), "na");

        result.HasProblems.ShouldBeFalse();
    }

    [Fact]
    public void Assess_WrongRegion_FlagsMismatchNamingBoth()
    {
        var result = RegionResolver.Assess(new Uri("https://na.uemauth.workspaceone.com/connect/token"), new Uri("https://as1234.awmdm.com"), "emea");

        result.RegionMismatch.ShouldBeTrue();
        result.UatProductionMismatch.ShouldBeFalse();
        result.Findings.ShouldContain(f => f.Contains("'na'", StringComparison.Ordinal) && f.Contains("'emea'", StringComparison.Ordinal));
    }

    [Fact]
    public void Assess_UatTokenForProductionTenant_FlagsUatMismatch()
    {
        var result = RegionResolver.Assess(new Uri("https://uat.uemauth.workspaceone.com/connect/token"), null, "na");

        result.UatProductionMismatch.ShouldBeTrue();
        result.Findings.ShouldContain(f => f.Contains("UAT", StringComparison.Ordinal));
    }

    [Fact]
    public void Assess_LegacyHost_WarnsToPreferCurrent()
    {
        var result = RegionResolver.Assess(new Uri("https://apac.uemauth.vmwservices.com/connect/token"), null, "apac");

        result.IsLegacyTokenHost.ShouldBeTrue();
        result.Findings.ShouldContain(f => f.Contains("https://apac.uemauth.workspaceone.com/connect/token", StringComparison.Ordinal));
    }

    [Fact]
    public void Assess_EuHostTrailingSlash_FlagsBoth()
    {
        var result = RegionResolver.Assess(new Uri("https://eu.uemauth.workspaceone.com/connect/token/"), null, null);

        result.Findings.ShouldContain(f => f.Contains("emea.", StringComparison.Ordinal));
        result.Findings.ShouldContain(f => f.Contains("trailing slash", StringComparison.Ordinal));
    }

    [Fact]
    public void Regions_Tables_HaveAllDocumentedRegions()
    {
        WorkspaceOneRegions.Uem.Select(r => r.Code).ShouldBe(["uat", "na", "emea", "apac"]);
        WorkspaceOneRegions.Intelligence.Select(r => r.Code).ShouldBe(["na1", "sandbox", "eu1", "eu2", "uk1", "ap1", "ap2", "au1", "ca1", "in1"]);
        WorkspaceOneRegions.FindIntelligenceRegion("uk1")!.TokenEndpoint.ShouldBe(new Uri("https://auth.uk1.data.workspaceone.com/oauth/token"));
        WorkspaceOneRegions.FindUemRegion("emea")!.TokenUrl.ShouldBe(new Uri("https://emea.uemauth.workspaceone.com/connect/token"));
    }
}

public sealed class UemConnectionTests
{
    [Theory]
    [InlineData("https://as1234.awmdm.com", "https://as1234.awmdm.com/API/")]
    [InlineData("https://as1234.awmdm.com/", "https://as1234.awmdm.com/API/")]
    [InlineData("https://as1234.awmdm.com/API", "https://as1234.awmdm.com/API/")]
    [InlineData("https://as1234.awmdm.com/api/", "https://as1234.awmdm.com/API/")]
    [InlineData("http://127.0.0.1:5080/simulator/tenants/demo", "http://127.0.0.1:5080/simulator/tenants/demo/API/")]
    public void ApiBase_RestApiUrlVariants_NormalisedToSingleApiSegment(string restApiUrl, string expected)
    {
        var connection = new Portal.Integrations.Uem.UemConnection(new Uri("https://na.uemauth.workspaceone.com/connect/token"), new Uri(restApiUrl), "id", SecretString.Create("s"));

        connection.ApiBase.ShouldBe(new Uri(expected));
    }

    [Fact]
    public void TokenCacheKey_SameConnectionDifferentSecret_Differs()
    {
        var a = new Portal.Integrations.Uem.UemConnection(new Uri("https://na.uemauth.workspaceone.com/connect/token"), new Uri("https://as1.awmdm.com"), "id", SecretString.Create("s1"));

        (a with { ClientSecret = SecretString.Create("s2") }).TokenCacheKey.ShouldNotBe(a.TokenCacheKey);
    }
}
