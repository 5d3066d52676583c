using Portal.Features.Regions;

namespace Portal.UnitTests.Features.Regions;

public sealed class RegionValidatorTests
{
    private static readonly Uri Simulator = new("http://localhost:5080");

    private static RegionEditModel Custom() => new()
    {
        Product = RegionProduct.Uem,
        Code = "onprem-eu",
        DisplayName = "On-prem EU",
        Kind = RegionKind.Custom,
        TokenUrl = "https://uem.corp.example/connect/token",
        ApiBaseUrl = "https://uem.corp.example",
        Location = "Data centre 1",
    };

    // Was "CustomRegionWithHttp_Valid": issue 14 makes custom regions https-only (their token URL receives client secrets).
    [Fact]
    public void Validate_CustomRegionWithHttps_Valid() => RegionValidator.Validate(Custom(), Simulator).ShouldBeEmpty();

    [Theory]
    [InlineData("http://uem.corp.example/connect/token", "https://")]
    [InlineData("https://169.254.169.254/connect/token", "not an IP address")]
    [InlineData("https://127.0.0.1/connect/token", "not an IP address")]
    [InlineData("https://[::1]/connect/token", "not an IP address")]
    [InlineData("https://localhost/connect/token", "this machine")]
    [InlineData("https://workspaceone.com@evil.com/connect/token", "really evil.com")]
    [InlineData("https://uem.corp.example/oauth/token", "/connect/token")]
    [InlineData("https://uem.corp.example/connect/token?x=1", "/connect/token")]
    public void Validate_CustomRegion_BadTokenUrl_NamesFieldAndFix(string tokenUrl, string expected)
    {
        var model = Custom();
        model.TokenUrl = tokenUrl;

        var message = RegionValidator.Validate(model, Simulator)[nameof(RegionEditModel.TokenUrl)].ShouldHaveSingleItem();
        message.ShouldStartWith("Token URL");
        message.ShouldContain(expected);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("https://127.0.0.1:5432/")]
    [InlineData("https://workspaceone.com@evil.com/")]
    public void Validate_CustomRegion_BadApiBaseUrl_Refused(string url)
    {
        var model = Custom();
        model.ApiBaseUrl = url;

        RegionValidator.Validate(model, Simulator)[nameof(RegionEditModel.ApiBaseUrl)].ShouldHaveSingleItem().ShouldStartWith("API base URL");
    }

    [Theory]
    [InlineData("https://evil.example.com/connect/token")]
    [InlineData("https://uat.uemauth.workspaceone.com.evil.example/connect/token")]
    public void Validate_BuiltInRegion_HostCannotBePointedElsewhere(string tokenUrl)
    {
        var uat = RegionSeedData.All.Single(r => r.Product == RegionProduct.Uem && r.Code == "uat");
        var model = new RegionEditModel
        {
            Product = RegionProduct.Uem, Code = "uat", Kind = RegionKind.Uat, DisplayName = uat.DisplayName, Location = uat.Location,
            TokenUrl = tokenUrl, LegacyTokenUrl = uat.LegacyTokenUrl,
        };

        var message = RegionValidator.Validate(model, Simulator)[nameof(RegionEditModel.TokenUrl)].ShouldHaveSingleItem();
        message.ShouldContain("built-in region");
        message.ShouldContain(uat.TokenUrl);

        model.TokenUrl = uat.TokenUrl;
        model.DisplayName = "UAT (renamed)";
        RegionValidator.Validate(model, Simulator).ShouldBeEmpty(); // names and locations stay editable
    }

    [Fact]
    public void Validate_ProductionRegionWithHttp_Rejected()
    {
        var model = Custom();
        model.Kind = RegionKind.Production;
        model.TokenUrl = "http://na.uemauth.workspaceone.com/connect/token";

        RegionValidator.Validate(model, Simulator)[nameof(RegionEditModel.TokenUrl)].ShouldHaveSingleItem().ShouldContain("https://");
    }

    [Fact]
    public void Validate_ProductionRegionPointingAtSimulator_Rejected()
    {
        var model = Custom();
        model.Kind = RegionKind.Uat;
        model.TokenUrl = "https://localhost:5080/simulator/connect/token";
        model.ApiBaseUrl = null;

        RegionValidator.Validate(model, Simulator)[nameof(RegionEditModel.TokenUrl)].ShouldHaveSingleItem().ShouldContain("simulator");
    }

    [Fact]
    public void Validate_MarkerOnlyForSimulatedRegion()
    {
        var model = Custom();
        model.TokenUrl = "~/simulator/connect/token";
        RegionValidator.Validate(model, Simulator).ShouldContainKey(nameof(RegionEditModel.TokenUrl));

        model.Kind = RegionKind.Simulated;
        model.ApiBaseUrl = "~/simulator";
        RegionValidator.Validate(model, Simulator).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("A")]
    [InlineData("Has Space")]
    [InlineData("UPPER")]
    public void Validate_BadCode_Rejected(string code)
    {
        var model = Custom();
        model.Code = code;

        RegionValidator.Validate(model, Simulator).ShouldContainKey(nameof(RegionEditModel.Code));
    }

    [Fact]
    public void Validate_IntelligenceNeedsApiBase()
    {
        var model = Custom();
        model.Product = RegionProduct.Intelligence;
        model.Kind = RegionKind.Production;
        model.TokenUrl = "https://auth.xx1.data.workspaceone.com/oauth/token";
        model.ApiBaseUrl = null;

        RegionValidator.Validate(model, Simulator).ShouldContainKey(nameof(RegionEditModel.ApiBaseUrl));
    }

    [Fact]
    public void RegionUrls_Resolve_MarkerAgainstBase()
    {
        RegionUrls.Resolve("~/simulator/connect/token", new Uri("http://portal.local:8080/")).ShouldBe("http://portal.local:8080/simulator/connect/token");
        RegionUrls.Resolve("https://na.uemauth.workspaceone.com/connect/token", Simulator).ShouldBe("https://na.uemauth.workspaceone.com/connect/token");
    }

    [Fact]
    public void SeedData_HasAllDocumentedRegions_RealOnesHttpsAndNotSimulator()
    {
        RegionSeedData.All.Where(r => r.Product == RegionProduct.Uem).Select(r => r.Code).ShouldBe(["uat", "na", "emea", "apac", "sim"], ignoreOrder: true);
        RegionSeedData.All.Where(r => r.Product == RegionProduct.Intelligence).Select(r => r.Code)
            .ShouldBe(["na1", "sandbox", "eu1", "eu2", "uk1", "ap1", "ap2", "au1", "ca1", "in1", "sim"], ignoreOrder: true);
        foreach (var region in RegionSeedData.All)
        {
            var errors = RegionValidator.Validate(RegionEditModel.From(new RegionSummary(0, region.Product, region.Code, region.DisplayName, region.Kind,
                region.TokenUrl, region.LegacyTokenUrl, region.ApiBaseUrl, region.Location, region.CountriesServed, false, DateTime.UnixEpoch, null, Guid.Empty)), Simulator);
            errors.ShouldBeEmpty($"{region.Product}/{region.Code}");
        }

        RegionSeedData.All.Single(r => r.Product == RegionProduct.Intelligence && r.Code == "sandbox").Kind.ShouldBe(RegionKind.Uat);
        RegionSeedData.All.Single(r => r.Product == RegionProduct.Uem && r.Code == "emea").TokenUrl.ShouldBe("https://emea.uemauth.workspaceone.com/connect/token");
    }
}
