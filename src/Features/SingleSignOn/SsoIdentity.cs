using System.Security.Claims;
using Portal.Features.Tenants;
using Portal.Features.Validation;

namespace Portal.Features.SingleSignOn;

/// <summary>How the provider's claims set a user's tenant scope.</summary>
public enum SsoScopeKind
{
    /// <summary><see cref="OidcOptions.TenantScopeClaim"/> is not set: scopes stay as an admin set them in the portal.</summary>
    NotManaged,

    /// <summary>The claim carries <see cref="OidcOptions.AllTenantsValue"/>.</summary>
    AllTenants,

    /// <summary>Only tenants with one of these tags.</summary>
    Tags,

    /// <summary>The claim is configured but carries no usable tag: no tenant at all.</summary>
    None,
}

/// <summary>Who the provider says signed in, and what its claims grant in the portal.</summary>
public sealed record SsoIdentity(
    string Issuer,
    string Subject,
    string PreferredUserName,
    string DisplayName,
    string? Email,
    IReadOnlyList<string> Roles,
    SsoScopeKind ScopeKind,
    IReadOnlyList<string> ScopeTags)
{
    /// <summary>Reads the provider's principal (raw claim names: the handler does not map inbound claims). Null without issuer or subject.</summary>
    public static SsoIdentity? FromPrincipal(ClaimsPrincipal principal, OidcOptions options)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(options);
        var subject = principal.FindFirst("sub");
        if (subject is null || string.IsNullOrWhiteSpace(subject.Value) || string.IsNullOrWhiteSpace(subject.Issuer))
        {
            return null;
        }

        string? Value(string type) => principal.FindFirst(type)?.Value is { Length: > 0 } v ? v.Trim() : null;
        var roles = principal.FindAll(options.RoleClaim)
            .Select(c => options.RoleMap.TryGetValue(c.Value.Trim(), out var role) ? role : null)
            .OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var (scopeKind, tags) = ReadScope(principal, options);
        var userName = Value("preferred_username") ?? Value("email") ?? Value("upn") ?? subject.Value;
        return new SsoIdentity(subject.Issuer, subject.Value, userName, Value("name") ?? userName, Value("email"), roles, scopeKind, tags);
    }

    /// <summary>The user's tenant scope from <see cref="OidcOptions.TenantScopeClaim"/>; values that are not valid tags are ignored.</summary>
    private static (SsoScopeKind Kind, IReadOnlyList<string> Tags) ReadScope(ClaimsPrincipal principal, OidcOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.TenantScopeClaim))
        {
            return (SsoScopeKind.NotManaged, []);
        }

        var values = principal.FindAll(options.TenantScopeClaim).Select(c => c.Value.Trim()).ToList();
        if (options.AllTenantsValue.Length > 0 && values.Contains(options.AllTenantsValue, StringComparer.Ordinal))
        {
            return (SsoScopeKind.AllTenants, []);
        }

        var tags = values.Select(TenantTags.Normalize)
            .Where(t => t.Length > 0 && FreeText.Check("tag", t, TenantTags.MaxLength) is null)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return tags.Count == 0 ? (SsoScopeKind.None, []) : (SsoScopeKind.Tags, tags);
    }

    public bool IsAdmin => Roles.Contains(Users.Roles.Admin, StringComparer.Ordinal);
}
