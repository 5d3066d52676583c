using Portal.Features.Regions;

namespace Portal.UnitTests.Features.Tenants;

internal static class TestRegions
{
    public static readonly RegionSummary Na = Uem(1, "na", RegionKind.Production);
    public static readonly RegionSummary Emea = Uem(2, "emea", RegionKind.Production);
    public static readonly RegionSummary Custom = new(3, RegionProduct.Uem, "onprem", "On-prem", RegionKind.Custom,
        "https://uem.corp.example/connect/token", null, "https://uem.corp.example", "Basement", null, true, DateTime.UnixEpoch, "admin", Guid.NewGuid());
    public static readonly RegionSummary Sim = new(4, RegionProduct.Uem, "sim", "Simulated", RegionKind.Simulated,
        "http://localhost:5080/simulator/connect/token", null, "http://localhost:5080/simulator", "Built-in", null, false, DateTime.UnixEpoch, "seed", Guid.NewGuid());
    public static readonly RegionSummary Eu1 = new(10, RegionProduct.Intelligence, "eu1", "Europe 1", RegionKind.Production,
        "https://auth.eu1.data.workspaceone.com/oauth/token", null, "https://api.eu1.data.workspaceone.com", "Frankfurt", null, false, DateTime.UnixEpoch, "seed", Guid.NewGuid());

    public static readonly IReadOnlyList<RegionSummary> All = [Na, Emea, Custom, Sim, Eu1];

    private static RegionSummary Uem(int id, string code, RegionKind kind) => new(id, RegionProduct.Uem, code, code.ToUpperInvariant(), kind,
        $"https://{code}.uemauth.workspaceone.com/connect/token", $"https://{code}.uemauth.vmwservices.com/connect/token", null,
        "Somewhere", null, false, DateTime.UnixEpoch, "seed", Guid.NewGuid());

    public static Portal.Features.Tenants.TenantEditModel ValidModel() => new()
    {
        DisplayName = "Contoso",
        CustomerReference = "TICKET-1",
        UemConsoleUrl = "https://cn1234.awmdm.com",
        UemApiUrl = "https://as1234.awmdm.com",
        UemRegionId = Na.Id,
        UemTokenUrl = Na.TokenUrl,
        OrganizationGroupId = "570",
        OrganizationGroupName = "Contoso Global",
        TagsText = "retail, emea",
        OAuthClientId = "0123456789abcdef",
        NewUemClientSecret = "S3cr3t-Value-1234567890",
        NewUemApiKey = "APIKEY1234567890",
    };
}
