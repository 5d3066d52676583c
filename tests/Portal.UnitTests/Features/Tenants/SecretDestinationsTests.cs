using Portal.Features.Tenants;

namespace Portal.UnitTests.Features.Tenants;

public sealed class SecretDestinationsTests
{
    private static readonly SecretDestinations Stored = new(1, "https://na.uemauth.workspaceone.com/connect/token", "https://as1234.awmdm.com", 7);

    [Fact]
    public void Released_SameHostsOtherPath_KeepsEverything() =>
        SecretDestinations.Released(Stored, Stored with { UemApiOrigin = "https://AS1234.awmdm.com" }, new TenantEditModel()).ShouldBeEmpty();

    [Theory]
    [InlineData("region")]
    [InlineData("token")]
    [InlineData("api")]
    public void Released_UemDestinationMoved_ReleasesClientSecretAndApiKey(string moved)
    {
        var after = moved switch
        {
            "region" => Stored with { UemRegionId = 2 },
            "token" => Stored with { UemTokenUrl = "http://127.0.0.1:9/connect/token" },
            _ => Stored with { UemApiOrigin = "http://127.0.0.1:9" },
        };

        SecretDestinations.Released(Stored, after, new TenantEditModel())
            .ShouldBe([TenantSecretKind.UemClientSecret, TenantSecretKind.UemApiKey]);
    }

    [Fact]
    public void Released_SecretEnteredAgainInTheSameSave_IsKept() =>
        SecretDestinations.Released(Stored, Stored with { UemRegionId = 2 }, new TenantEditModel { NewUemClientSecret = "typed-again-123" })
            .ShouldBe([TenantSecretKind.UemApiKey]);

    [Fact]
    public void Released_IntelligenceRegionMoved_ReleasesOnlyTheIntelligenceSecret() =>
        SecretDestinations.Released(Stored, Stored with { IntelligenceRegionId = 8 }, new TenantEditModel())
            .ShouldBe([TenantSecretKind.IntelligenceClientSecret]);
}
