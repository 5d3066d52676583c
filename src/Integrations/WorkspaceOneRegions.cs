namespace Portal.Integrations;

/// <summary>A Workspace ONE UEM SaaS token-service region (workspace-one-api.md §1.1).</summary>
public sealed record UemRegion(string Code, string DataCentre, string CustomerLocations, Uri TokenUrl, Uri LegacyTokenUrl, bool IsUat);

/// <summary>An Omnissa Intelligence region (workspace-one-api.md §3.1): the token host is <c>auth.</c>, every API call uses <c>api.</c>.</summary>
public sealed record IntelligenceRegion(string Code, string Location, string TokenHost, string ApiHost, bool IsSandbox)
{
    public Uri TokenEndpoint => new($"https://{TokenHost}/oauth/token");

    public Uri ApiBaseUrl => new($"https://{ApiHost}/");
}

/// <summary>The official region tables. Other features seed their region rows from here.</summary>
public static class WorkspaceOneRegions
{
    public const string CurrentUemAuthDomain = "uemauth.workspaceone.com";
    public const string LegacyUemAuthDomain = "uemauth.vmwservices.com";
    public const string IntelligenceDomain = "data.workspaceone.com";

    public static IReadOnlyList<UemRegion> Uem { get; } =
    [
        UemEntry("uat", "Ohio (US)", "All UAT tenants", isUat: true),
        UemEntry("na", "Virginia (US)", "United States, Canada", isUat: false),
        UemEntry("emea", "Frankfurt (DE)", "United Kingdom, Germany", isUat: false),
        UemEntry("apac", "Tokyo (JP)", "India, Japan, Singapore", isUat: false),
    ];

    public static IReadOnlyList<IntelligenceRegion> Intelligence { get; } =
    [
        Intel("na1", "USA production"),
        Intel("sandbox", "USA UAT", isSandbox: true),
        Intel("eu1", "Frankfurt"),
        Intel("eu2", "Ireland"),
        Intel("uk1", "London"),
        Intel("ap1", "Tokyo"),
        Intel("ap2", "Singapore"),
        Intel("au1", "Sydney"),
        Intel("ca1", "Canada"),
        Intel("in1", "India"),
    ];

    public static UemRegion? FindUemRegion(string code) =>
        Uem.FirstOrDefault(r => string.Equals(r.Code, code, StringComparison.OrdinalIgnoreCase));

    public static IntelligenceRegion? FindIntelligenceRegion(string code) =>
        Intelligence.FirstOrDefault(r => string.Equals(r.Code, code, StringComparison.OrdinalIgnoreCase));

    private static UemRegion UemEntry(string code, string dataCentre, string locations, bool isUat) =>
        new(code, dataCentre, locations, new Uri($"https://{code}.{CurrentUemAuthDomain}/connect/token"), new Uri($"https://{code}.{LegacyUemAuthDomain}/connect/token"), isUat);

    private static IntelligenceRegion Intel(string code, string location, bool isSandbox = false) =>
        new(code, location, $"auth.{code}.{IntelligenceDomain}", $"api.{code}.{IntelligenceDomain}", isSandbox);
}
