using Portal.Features.Regions;

namespace Portal.Features.Tenants;

/// <summary>A customer's Workspace ONE UEM (and optionally Intelligence) environment the helpdesk connects.</summary>
public sealed class Tenant
{
    public int Id { get; set; }

    public string DisplayName { get; set; } = "";

    /// <summary>Upper-invariant display name: the unique index makes names case-insensitively unique.</summary>
    public string NormalizedName { get; set; } = "";

    public string? CustomerReference { get; set; }

    public string UemConsoleUrl { get; set; } = "";

    public string UemApiUrl { get; set; } = "";

    public int UemRegionId { get; set; }

    public Region? UemRegion { get; set; }

    /// <summary>The token URL used for this tenant: the region's current or legacy URL (custom regions: their own).</summary>
    public string UemTokenUrl { get; set; } = "";

    public string? OrganizationGroupId { get; set; }

    public string? OrganizationGroupName { get; set; }

    public int? IntelligenceRegionId { get; set; }

    public Region? IntelligenceRegion { get; set; }

    public string? OAuthClientId { get; set; }

    public string? IntelligenceClientId { get; set; }

    public string? Contacts { get; set; }

    public string? Notes { get; set; }

    public List<TenantTag> Tags { get; set; } = [];

    public DateTime CreatedUtc { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTime UpdatedUtc { get; set; }

    public string UpdatedBy { get; set; } = "";

    public bool IsArchived { get; set; }

    public DateTime? ArchivedUtc { get; set; }

    /// <summary>Optimistic concurrency stamp, rotated on every change (IsRowVersion does nothing on SQLite).</summary>
    public Guid Version { get; set; } = Guid.NewGuid();
}

/// <summary>A tag or group a tenant carries; tenant scopes limit users to tenants with given tags.</summary>
public sealed class TenantTag
{
    public int TenantId { get; set; }

    /// <summary>Lower-case, trimmed (see <see cref="TenantTags.Normalize"/>).</summary>
    public string Name { get; set; } = "";
}

/// <summary>The secrets a tenant can hold; each is stored encrypted in its own row.</summary>
public enum TenantSecretKind
{
    UemClientSecret = 0,
    UemApiKey = 1,
    IntelligenceClientSecret = 2,
}

/// <summary>One encrypted secret with its fingerprint and who set it when (for a later rotation policy).</summary>
public sealed class TenantSecret
{
    public int TenantId { get; set; }

    public TenantSecretKind Kind { get; set; }

    /// <summary>Data Protection payload (purpose <c>Portal.TenantSecrets.v1</c>); never the plaintext.</summary>
    public string ProtectedValue { get; set; } = "";

    /// <summary><c>sha256:</c> plus the first 12 hex characters of the SHA-256 of the plaintext.</summary>
    public string Fingerprint { get; set; } = "";

    public DateTime SecretSetUtc { get; set; }

    public string SetBy { get; set; } = "";
}

/// <summary>Tags an admin allows a user to see. A user with no rows sees all tenants.</summary>
public sealed class UserTenantScope
{
    public string UserId { get; set; } = "";

    public string Tag { get; set; } = "";
}

public static class TenantTags
{
    public const int MaxLength = 40;
    public const int MaxPerTenant = 20;

    public static string Normalize(string tag) => (tag ?? "").Trim().ToLowerInvariant();

    /// <summary>Splits "a, b; c" into distinct normalized tags.</summary>
    public static IReadOnlyList<string> Parse(string? text) =>
        (text ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Normalize).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
}
