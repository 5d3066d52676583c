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
        TokenUrl = "http://uem.corp.local/connect/token",
        ApiBaseUrl = "http://uem.corp.local",
        Location = "Data centre 1",
    };

    [Fact]
    public void Validate_CustomRegionWithHttp_Valid() => RegionValidator.Validate(Custom(), Simulator).ShouldBeEmpty();

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
