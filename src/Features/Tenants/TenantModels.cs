namespace Portal.Features.Tenants;

/// <summary>Length limits shared by the database configuration, the validator and the form.</summary>
public static class TenantLimits
{
    public const int DisplayName = 100;
    public const int CustomerReference = 100;
    public const int Url = 500;
    public const int OrganizationGroupId = 64;
    public const int OrganizationGroupName = 200;
    public const int ClientId = 200;
    public const int Contacts = 1000;
    public const int Notes = 4000;
}

/// <summary>What the tenant form edits. New secret fields are write-only: blank means "keep the stored one".</summary>
public sealed class TenantEditModel
{
    public string DisplayName { get; set; } = "";

    public string? CustomerReference { get; set; }

    public string UemConsoleUrl { get; set; } = "";

    public string UemApiUrl { get; set; } = "";

    public int? UemRegionId { get; set; }

    public string UemTokenUrl { get; set; } = "";

    public string? OrganizationGroupId { get; set; }

    public string? OrganizationGroupName { get; set; }

    public int? IntelligenceRegionId { get; set; }

    public string? Contacts { get; set; }

    public string? Notes { get; set; }

    /// <summary>Comma-separated tags or groups.</summary>
    public string? TagsText { get; set; }

    public string? OAuthClientId { get; set; }

    public string? NewUemClientSecret { get; set; }

    public string? NewUemApiKey { get; set; }

    public string? IntelligenceClientId { get; set; }

    public string? NewIntelligenceClientSecret { get; set; }

    /// <summary>The <see cref="Tenant.Version"/> the user started editing from.</summary>
    public Guid Version { get; set; }

    public string? NewSecret(TenantSecretKind kind) => kind switch
    {
        TenantSecretKind.UemClientSecret => NewUemClientSecret,
        TenantSecretKind.UemApiKey => NewUemApiKey,
        TenantSecretKind.IntelligenceClientSecret => NewIntelligenceClientSecret,
        _ => null,
    };

    public TenantEditModel Clone() => (TenantEditModel)MemberwiseClone();

    public static string SecretField(TenantSecretKind kind) => kind switch
    {
        TenantSecretKind.UemClientSecret => nameof(NewUemClientSecret),
        TenantSecretKind.UemApiKey => nameof(NewUemApiKey),
        TenantSecretKind.IntelligenceClientSecret => nameof(NewIntelligenceClientSecret),
        _ => "",
    };

    public static string SecretLabel(TenantSecretKind kind) => kind switch
    {
        TenantSecretKind.UemClientSecret => "OAuth client secret",
        TenantSecretKind.UemApiKey => "UEM REST API key",
        TenantSecretKind.IntelligenceClientSecret => "Intelligence client secret",
        _ => kind.ToString(),
    };
}

/// <summary>A row of the tenants grid.</summary>
public sealed record TenantListItem(
    int Id,
    string DisplayName,
    string? CustomerReference,
    string UemRegion,
    string? IntelligenceRegion,
    IReadOnlyList<string> Tags,
    bool IsArchived,
    DateTime UpdatedUtc,
    string UpdatedBy);

public enum TenantStatusFilter
{
    Active = 0,
    Archived = 1,
    All = 2,
}

/// <summary>Server-side paging, sorting and filters for the tenants grid.</summary>
public sealed record TenantQuery
{
    public string? Search { get; init; }

    public int? RegionId { get; init; }

    public TenantStatusFilter Status { get; init; } = TenantStatusFilter.Active;

    public string? Tag { get; init; }

    /// <summary>Name of a <see cref="TenantListItem"/> property; unknown names sort by display name.</summary>
    public string? SortBy { get; init; }

    public bool SortDescending { get; init; }

    public int Page { get; init; }

    public int PageSize { get; init; } = 25;
}

public sealed record TenantPage(IReadOnlyList<TenantListItem> Items, int TotalCount);

/// <summary>Display-only state of a stored secret: never its value.</summary>
public sealed record SecretStatus(TenantSecretKind Kind, bool IsSet, string? Fingerprint, string? SetBy, DateTime? SetUtc, bool IsReadable)
{
    public string Describe() => !IsSet
        ? "Not set"
        : !IsReadable
            ? "Stored, but cannot be decrypted with this server's key ring. Re-enter it."
            : $"Set by {SetBy} on {SetUtc:yyyy-MM-dd HH:mm} UTC, fingerprint {Fingerprint}";
}

/// <summary>Everything the detail page shows about a tenant.</summary>
public sealed record TenantDetails(
    int Id,
    TenantEditModel Model,
    IReadOnlyList<SecretStatus> Secrets,
    bool IsArchived,
    DateTime CreatedUtc,
    string CreatedBy,
    DateTime UpdatedUtc,
    string UpdatedBy)
{
    public bool HasUnreadableSecrets => Secrets.Any(s => s.IsSet && !s.IsReadable);
}

/// <summary>One field that differs between the stored tenant (theirs) and the submitted edit (yours).</summary>
public sealed record FieldChange(string Field, string? Theirs, string? Yours);

public enum TenantSaveStatus
{
    Saved = 0,
    Invalid = 1,
    Conflict = 2,
    NotFound = 3,
}

/// <summary>Outcome of a tenant save. Invalid: field messages. Conflict: who changed what, and their version to retry from.</summary>
public sealed record TenantSaveResult(
    TenantSaveStatus Status,
    string Message,
    IReadOnlyDictionary<string, string[]> Errors,
    IReadOnlyList<string> Warnings,
    int? Id = null,
    IReadOnlyList<FieldChange>? Changes = null,
    Guid? CurrentVersion = null)
{
    private static readonly Dictionary<string, string[]> NoErrors = [];

    public bool Succeeded => Status == TenantSaveStatus.Saved;

    public static TenantSaveResult Saved(int id, string message, IReadOnlyList<string> warnings) => new(TenantSaveStatus.Saved, message, NoErrors, warnings, id);

    public static TenantSaveResult Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(TenantSaveStatus.Invalid, "Nothing was saved. Fix the fields marked below.", errors, []);

    public static TenantSaveResult NotFound() =>
        new(TenantSaveStatus.NotFound, "That tenant does not exist or is outside your tenant scope.", NoErrors, []);

    public static TenantSaveResult Conflicted(string message, IReadOnlyList<FieldChange> changes, Guid currentVersion) =>
        new(TenantSaveStatus.Conflict, message, NoErrors, [], null, changes, currentVersion);
}

/// <summary>A tenant as the switcher and other features refer to it.</summary>
public sealed record TenantRef(int Id, string DisplayName)
{
    public override string ToString() => DisplayName;
}
