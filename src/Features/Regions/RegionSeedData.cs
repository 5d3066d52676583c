namespace Portal.Features.Regions;

/// <summary>
/// The vendor regions from workspace-one-api.md §1.1 and §3.1, plus the simulator pair. Bump
/// <see cref="Version"/> whenever a value here changes: rows not edited by an admin are then updated.
/// </summary>
public static class RegionSeedData
{
    public const int Version = 1;

    public const string SimulatedCode = "sim";

    public static IReadOnlyList<Region> All { get; } = Build();

    private static List<Region> Build()
    {
        List<Region> regions =
        [
            Uem("uat", "UAT", RegionKind.Uat, "Ohio (US)", "All UAT tenants"),
            Uem("na", "North America", RegionKind.Production, "Virginia (US)", "United States, Canada"),
            Uem("emea", "Europe, Middle East and Africa", RegionKind.Production, "Frankfurt (DE)", "United Kingdom, Germany"),
            Uem("apac", "Asia Pacific", RegionKind.Production, "Tokyo (JP)", "India, Japan, Singapore (Australia, Hong Kong unconfirmed)"),
            new()
            {
                Product = RegionProduct.Uem, Code = SimulatedCode, DisplayName = "Simulated", Kind = RegionKind.Simulated,
                TokenUrl = "~/simulator/connect/token", ApiBaseUrl = "~/simulator", Location = "Built-in simulator",
                CountriesServed = "Demo and training only",
            },
            Intel("na1", "North America 1", RegionKind.Production, "USA"),
            Intel("sandbox", "Sandbox (UAT)", RegionKind.Uat, "USA"),
            Intel("eu1", "Europe 1", RegionKind.Production, "Frankfurt (DE)"),
            Intel("eu2", "Europe 2", RegionKind.Production, "Ireland"),
            Intel("uk1", "United Kingdom 1", RegionKind.Production, "London (UK)"),
            Intel("ap1", "Asia Pacific 1", RegionKind.Production, "Tokyo (JP)"),
            Intel("ap2", "Asia Pacific 2", RegionKind.Production, "Singapore"),
            Intel("au1", "Australia 1", RegionKind.Production, "Sydney (AU)"),
            Intel("ca1", "Canada 1", RegionKind.Production, "Canada"),
            Intel("in1", "India 1", RegionKind.Production, "India"),
            new()
            {
                Product = RegionProduct.Intelligence, Code = SimulatedCode, DisplayName = "Simulated", Kind = RegionKind.Simulated,
                TokenUrl = "~/simulator/oauth/token", ApiBaseUrl = "~/simulator", Location = "Built-in simulator",
                CountriesServed = "Demo and training only",
            },
        ];
        foreach (var region in regions)
        {
            region.SeedVersion = Version;
        }

        return regions;
    }

    private static Region Uem(string code, string name, RegionKind kind, string location, string countries) => new()
    {
        Product = RegionProduct.Uem,
        Code = code,
        DisplayName = name,
        Kind = kind,
        TokenUrl = $"https://{code}.uemauth.workspaceone.com/connect/token",
        LegacyTokenUrl = $"https://{code}.uemauth.vmwservices.com/connect/token",
        Location = location,
        CountriesServed = countries,
    };

    private static Region Intel(string code, string name, RegionKind kind, string location) => new()
    {
        Product = RegionProduct.Intelligence,
        Code = code,
        DisplayName = name,
        Kind = kind,
        TokenUrl = $"https://auth.{code}.data.workspaceone.com/oauth/token",
        ApiBaseUrl = $"https://api.{code}.data.workspaceone.com",
        Location = location,
    };
}
