using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Portal.Features.Regions;
using Portal.Features.Users;
using Portal.Integrations.Egress;

namespace Portal.Features.SingleSignOn;

/// <summary>
/// Sign-in with an OpenID Connect provider (Entra ID, Okta, Google Workspace, ...): authorization code flow with PKCE.
/// Off while <see cref="Authority"/> is empty.
/// </summary>
public sealed class OidcOptions : IValidatableObject
{
    public const string SectionName = "Auth:Oidc";

    /// <summary>The provider's issuer URL, e.g. <c>https://login.microsoftonline.com/{tenant-id}/v2.0</c>. Empty: single sign-on is off.</summary>
    public Uri? Authority { get; set; }

    public string ClientId { get; set; } = "";

    /// <summary>The app registration's client secret (optional for a public client; PKCE is used either way). Never logged.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>Scopes asked for besides <c>openid</c>.</summary>
    public IList<string> Scopes { get; } = [];

    /// <summary>Shown on the sign-in page: "Sign in with {DisplayName}".</summary>
    [StringLength(60)]
    public string DisplayName { get; set; } = "single sign-on";

    /// <summary>The claim whose values are mapped to portal roles, e.g. <c>groups</c> (Entra group ids) or <c>roles</c> (app roles).</summary>
    public string RoleClaim { get; set; } = "groups";

    /// <summary>Claim value → portal role (Helpdesk, TeamLead, Auditor, Admin). A user whose values map to no role gets no access.</summary>
    public IDictionary<string, string> RoleMap { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The claim carrying the user's tenant-scope tags. Empty: tenant scopes stay as an admin set them in the portal.</summary>
    public string TenantScopeClaim { get; set; } = "";

    /// <summary>A <see cref="TenantScopeClaim"/> value that means "all tenants". Without it (or a tag) a non-Admin is refused.</summary>
    public string AllTenantsValue { get; set; } = "*";

    public bool Enabled => Authority is not null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!Authority!.IsAbsoluteUri || (Authority.Scheme != Uri.UriSchemeHttps && Authority.Scheme != Uri.UriSchemeHttp) || Authority.UserInfo.Length > 0 || Authority.Query.Length > 0)
        {
            yield return new ValidationResult($"{SectionName}:Authority '{Authority}' must be the provider's https issuer URL, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0.", [nameof(Authority)]);
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return new ValidationResult($"{SectionName}:ClientId is required when {SectionName}:Authority is set: the application (client) id of the portal's app registration.", [nameof(ClientId)]);
        }

        if (string.IsNullOrWhiteSpace(RoleClaim))
        {
            yield return new ValidationResult($"{SectionName}:RoleClaim is required: the claim holding groups or app roles, e.g. groups or roles.", [nameof(RoleClaim)]);
        }

        if (RoleMap.Count == 0)
        {
            yield return new ValidationResult($"{SectionName}:RoleMap is empty, so nobody could sign in: map a claim value to a role, e.g. {SectionName}:RoleMap:<group-id>=Helpdesk.", [nameof(RoleMap)]);
        }

        foreach (var (value, role) in RoleMap.Where(m => !Roles.All.Contains(m.Value, StringComparer.Ordinal)))
        {
            yield return new ValidationResult($"{SectionName}:RoleMap:{value} is '{role}', which is not a portal role. Use one of {string.Join(", ", Roles.All)} (exact spelling).", [nameof(RoleMap)]);
        }

        if (string.IsNullOrWhiteSpace(DisplayName))
        {
            yield return new ValidationResult($"{SectionName}:DisplayName is required: the provider's name on the sign-in button, e.g. Contoso (Entra ID).", [nameof(DisplayName)]);
        }
    }
}

/// <summary>
/// Local password sign-in. Turned off, only the named break-glass admin may still sign in with a password
/// (for when the identity provider is down or misconfigured).
/// </summary>
public sealed class LocalSignInOptions
{
    public const string SectionName = "Auth:LocalSignIn";

    public bool Enabled { get; set; } = true;

    public string BreakGlassUser { get; set; } = "";

    /// <summary>Whether a password sign-in as <paramref name="userName"/> may be attempted at all.</summary>
    public bool AllowsPasswordSignIn(string userName) =>
        Enabled || (BreakGlassUser.Trim().Length > 0 && string.Equals(userName.Trim(), BreakGlassUser.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>Rules that need the environment: plain http only for a loopback provider in Development or demo mode; local sign-in off needs SSO and a break-glass admin.</summary>
public sealed class SingleSignOnOptionsValidator(IHostEnvironment environment, IConfiguration configuration)
    : IValidateOptions<OidcOptions>, IValidateOptions<LocalSignInOptions>
{
    public ValidateOptionsResult Validate(string? name, OidcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Authority is { IsAbsoluteUri: true } authority && authority.Scheme == Uri.UriSchemeHttp)
        {
            var host = authority.Host.Trim('[', ']');
            var onThisMachine = EgressRules.IsLoopbackName(host) || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
            if (!onThisMachine || !(environment.IsDevelopment() || DemoOptions.IsEnabled(configuration)))
            {
                return ValidateOptionsResult.Fail($"{OidcOptions.SectionName}:Authority '{authority}' uses http. Use the provider's https URL; plain http is accepted only for a provider on this machine (localhost) in Development or demo mode.");
            }
        }

        return ValidateOptionsResult.Success;
    }

    public ValidateOptionsResult Validate(string? name, LocalSignInOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        // From configuration, not IOptions<OidcOptions>: that would make the two validators depend on each other.
        if (string.IsNullOrWhiteSpace(configuration[$"{OidcOptions.SectionName}:{nameof(OidcOptions.Authority)}"]))
        {
            return ValidateOptionsResult.Fail($"{LocalSignInOptions.SectionName}:Enabled is false but single sign-on is not configured ({OidcOptions.SectionName}:Authority is empty), so nobody could sign in. Configure {OidcOptions.SectionName} or turn local sign-in on.");
        }

        return string.IsNullOrWhiteSpace(options.BreakGlassUser)
            ? ValidateOptionsResult.Fail($"{LocalSignInOptions.SectionName}:BreakGlassUser is required when local sign-in is off: the local Admin account that can still sign in with a password when the identity provider is unavailable.")
            : ValidateOptionsResult.Success;
    }
}
