namespace Portal.Features.Regions;

/// <summary>Which service a region belongs to.</summary>
public enum RegionProduct
{
    /// <summary>Workspace ONE UEM token service (<c>/connect/token</c>).</summary>
    Uem = 0,

    /// <summary>Workspace ONE (Omnissa) Intelligence.</summary>
    Intelligence = 1,
}

/// <summary>Production and UAT regions are the vendor's; simulated and custom ones are ours and may use http.</summary>
public enum RegionKind
{
    Production = 0,
    Uat = 1,
    Simulated = 2,
    Custom = 3,
}

/// <summary>
/// A UEM token-service region or an Intelligence region. URLs of the simulated region are stored as
/// <c>~/simulator/...</c> markers and resolved against <c>Demo:PublicBaseUrl</c> when read.
/// </summary>
public sealed class Region
{
    public int Id { get; set; }

    public RegionProduct Product { get; set; }

    /// <summary>Short code, unique per product: <c>na</c>, <c>emea</c>, <c>eu1</c>, <c>sim</c>.</summary>
    public string Code { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public RegionKind Kind { get; set; }

    /// <summary>UEM: the <c>/connect/token</c> URL. Intelligence: the OAuth token URL on the <c>auth.</c> host.</summary>
    public string TokenUrl { get; set; } = "";

    /// <summary>UEM only: the VMware-era token URL, still accepted when a user pastes it.</summary>
    public string? LegacyTokenUrl { get; set; }

    /// <summary>Intelligence API base (<c>https://api.{code}.data.workspaceone.com</c>); UEM only for simulated/custom regions.</summary>
    public string? ApiBaseUrl { get; set; }

    /// <summary>Data-centre location, e.g. "Frankfurt (DE)".</summary>
    public string Location { get; set; } = "";

    /// <summary>Countries or customer locations served, free text.</summary>
    public string? CountriesServed { get; set; }

    /// <summary>Seed data version that wrote this row; 0 for admin-created regions.</summary>
    public int SeedVersion { get; set; }

    /// <summary>Set once an admin edits the row: the seeder never touches it again.</summary>
    public bool IsEditedByAdmin { get; set; }

    public DateTime UpdatedUtc { get; set; }

    public string? UpdatedBy { get; set; }

    public Guid Version { get; set; } = Guid.NewGuid();

    public bool IsProductionOrUat => Kind is RegionKind.Production or RegionKind.Uat;
}

/// <summary>A region as shown to users, with URL markers already resolved.</summary>
public sealed record RegionSummary(
    int Id,
    RegionProduct Product,
    string Code,
    string DisplayName,
    RegionKind Kind,
    string TokenUrl,
    string? LegacyTokenUrl,
    string? ApiBaseUrl,
    string Location,
    string? CountriesServed,
    bool IsEditedByAdmin,
    DateTime UpdatedUtc,
    string? UpdatedBy,
    Guid Version)
{
    /// <summary>True for regions whose hosts are not the vendor's: no Omnissa domain check (Custom: https names only; Simulated: the built-in simulator).</summary>
    public bool IsUnchecked => Kind is RegionKind.Simulated or RegionKind.Custom;

    public string Label => $"{DisplayName} ({Code})";
}

/// <summary>What an admin edits for a region; the kind of a seeded region cannot change.</summary>
public sealed class RegionEditModel
{
    public RegionProduct Product { get; set; }

    public string Code { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public RegionKind Kind { get; set; } = RegionKind.Custom;

    public string TokenUrl { get; set; } = "";

    public string? LegacyTokenUrl { get; set; }

    public string? ApiBaseUrl { get; set; }

    public string Location { get; set; } = "";

    public string? CountriesServed { get; set; }

    public Guid Version { get; set; }

    public static RegionEditModel From(RegionSummary r) => new()
    {
        Product = r.Product,
        Code = r.Code,
        DisplayName = r.DisplayName,
        Kind = r.Kind,
        TokenUrl = r.TokenUrl,
        LegacyTokenUrl = r.LegacyTokenUrl,
        ApiBaseUrl = r.ApiBaseUrl,
        Location = r.Location,
        CountriesServed = r.CountriesServed,
        Version = r.Version,
    };
}

/// <summary>Outcome of a save: success, or messages per field (key = property name, "" for the form).</summary>
public sealed record SaveResult(bool Succeeded, string Message, IReadOnlyDictionary<string, string[]> Errors, int? Id = null)
{
    private static readonly Dictionary<string, string[]> None = [];

    public static SaveResult Ok(string message, int? id = null) => new(true, message, None, id);

    public static SaveResult Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(false, "Nothing was saved. Fix the fields marked below.", errors);

    public static SaveResult Fail(string message) => new(false, message, None);
}
