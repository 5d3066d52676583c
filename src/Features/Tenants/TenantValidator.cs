using System.Text.RegularExpressions;
using Portal.Features.Regions;
using Portal.Features.Validation;

namespace Portal.Features.Tenants;

/// <summary>
/// The authoritative tenant rules. <see cref="TenantService"/> runs them before every save (plus the
/// database-backed duplicate-name check); the form runs the same method so messages match.
/// Keys are <see cref="TenantEditModel"/> property names; every message names the field and the fix.
/// </summary>
public static partial class TenantValidator
{
    public static IReadOnlyDictionary<string, string[]> Validate(TenantEditModel model, IReadOnlyList<RegionSummary> regions)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(regions);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string key, string? message) => InputRules.Add(errors, key, message);

        Text(errors, nameof(model.DisplayName), "Display name", model.DisplayName, TenantLimits.DisplayName, required: true);
        Text(errors, nameof(model.CustomerReference), "Customer / ticket reference", model.CustomerReference, TenantLimits.CustomerReference);
        Text(errors, nameof(model.OrganizationGroupId), "Organisation group ID", model.OrganizationGroupId, TenantLimits.OrganizationGroupId);
        Text(errors, nameof(model.OrganizationGroupName), "Organisation group name", model.OrganizationGroupName, TenantLimits.OrganizationGroupName);
        Text(errors, nameof(model.Contacts), "Contacts", model.Contacts, TenantLimits.Contacts, multiLine: true);
        Text(errors, nameof(model.Notes), "Notes", model.Notes, TenantLimits.Notes, multiLine: true);
        ClientId(errors, nameof(model.OAuthClientId), "OAuth client ID", model.OAuthClientId);
        ClientId(errors, nameof(model.IntelligenceClientId), "Intelligence client ID", model.IntelligenceClientId);
        Tags(errors, model.TagsText);

        var uem = regions.FirstOrDefault(r => r.Id == model.UemRegionId && r.Product == RegionProduct.Uem);
        if (uem is null)
        {
            Add(nameof(model.UemRegionId), "UEM region is required. Pick the region of the customer's UEM token service.");
        }

        var unchecked_ = uem?.IsUnchecked ?? false;
        Host(errors, nameof(model.UemConsoleUrl), "UEM console URL", model.UemConsoleUrl, uem, unchecked_);
        Host(errors, nameof(model.UemApiUrl), "UEM REST API URL", model.UemApiUrl, uem, unchecked_);
        if (uem is not null)
        {
            Add(nameof(model.UemTokenUrl), CheckTokenUrl(model.UemTokenUrl, uem));
        }

        if (model.IntelligenceRegionId is { } intelId && !regions.Any(r => r.Id == intelId && r.Product == RegionProduct.Intelligence))
        {
            Add(nameof(model.IntelligenceRegionId), "Intelligence region: the selected region no longer exists. Pick another.");
        }

        // Secrets: shape only here; whether one is stored already is the service's concern.
        foreach (var kind in Enum.GetValues<TenantSecretKind>())
        {
            Add(TenantEditModel.SecretField(kind), SecretRules.Check(TenantEditModel.SecretLabel(kind), model.NewSecret(kind)).Error);
        }

        if (!string.IsNullOrWhiteSpace(model.NewUemClientSecret) && string.IsNullOrWhiteSpace(model.OAuthClientId))
        {
            Add(nameof(model.OAuthClientId), "OAuth client ID is required with a client secret. Copy it from the UEM console's OAuth client page.");
        }

        var hasIntelligenceCredentials = !string.IsNullOrWhiteSpace(model.IntelligenceClientId) || !string.IsNullOrWhiteSpace(model.NewIntelligenceClientSecret);
        if (!string.IsNullOrWhiteSpace(model.NewIntelligenceClientSecret) && string.IsNullOrWhiteSpace(model.IntelligenceClientId))
        {
            Add(nameof(model.IntelligenceClientId), "Intelligence client ID is required with an Intelligence client secret. Copy 'clientId' from the service-account JSON.");
        }

        if (hasIntelligenceCredentials && model.IntelligenceRegionId is null)
        {
            Add(nameof(model.IntelligenceRegionId), "Intelligence region is required when Intelligence credentials are entered. Pick the region from the service account's token endpoint.");
        }

        return InputRules.Freeze(errors);
    }

    /// <summary>
    /// The token URL must be the region's own (custom regions included: only an admin decides, by editing the region,
    /// where a region's tenants send their client secrets); the message offers the right one. Blank means "use the region's".
    /// </summary>
    public static string? CheckTokenUrl(string? tokenUrl, RegionSummary region)
    {
        ArgumentNullException.ThrowIfNull(region);
        if (string.IsNullOrWhiteSpace(tokenUrl))
        {
            return null;
        }

        if (region.Kind != RegionKind.Simulated && AddressRules.CheckRemoteUrl("UEM token URL", tokenUrl, required: false) is { } address)
        {
            return address;
        }

        return InputRules.SameUrl(tokenUrl, region.TokenUrl) || InputRules.SameUrl(tokenUrl, region.LegacyTokenUrl)
            ? null
            : $"UEM token URL does not belong to region {region.Label}. Use {region.TokenUrl}" +
              (region.LegacyTokenUrl is null ? "." : $" (or the legacy {region.LegacyTokenUrl}).");
    }

    private static void Host(Dictionary<string, List<string>> errors, string key, string field, string? url, RegionSummary? region, bool uncheckedRegion)
    {
        // Only the Simulated region (listed in demo mode only) may use http and the portal's own address.
        var message = region?.Kind == RegionKind.Simulated
            ? InputRules.CheckUrl(field, url, required: true, allowHttp: true, TenantLimits.Url) ?? AddressRules.CheckSimulatorUrl(field, url, region)
            : AddressRules.CheckRemoteUrl(field, url, required: true, TenantLimits.Url);
        if (message is null && !uncheckedRegion && !UemUrls.IsKnownSaasHost(InputRules.HostOf(url)))
        {
            message = $"{field}: '{InputRules.HostOf(url)}' is not a Workspace ONE UEM SaaS host (expected a name ending in {string.Join(", ", UemUrls.KnownSaasDomains)}). " +
                      "Check for a typo, or use a custom region for on-premises UEM.";
        }

        InputRules.Add(errors, key, message);
    }

    private static void Text(Dictionary<string, List<string>> errors, string key, string field, string? value, int max, bool required = false, bool multiLine = false) =>
        InputRules.Add(errors, key, FreeText.Check(field, value, max, required, multiLine));

    private static void ClientId(Dictionary<string, List<string>> errors, string key, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        var trimmed = value.Trim();
        if (trimmed.Length > TenantLimits.ClientId)
        {
            InputRules.Add(errors, key, $"{field} is too long. Use at most {TenantLimits.ClientId} characters.");
        }
        else if (trimmed.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            InputRules.Add(errors, key, $"{field} contains spaces or invisible characters. Copy it again in one piece.");
        }
    }

    private static void Tags(Dictionary<string, List<string>> errors, string? text)
    {
        // Invisible characters first: the tag pattern below would refuse them too, but without saying what is wrong.
        if (FreeText.FirstForbidden(text, multiLine: true) is not null)
        {
            InputRules.Add(errors, nameof(TenantEditModel.TagsText), FreeText.Check("Tags", text, int.MaxValue, multiLine: true));
            return;
        }

        var tags = TenantTags.Parse(text);
        if (tags.Count > TenantTags.MaxPerTenant)
        {
            InputRules.Add(errors, nameof(TenantEditModel.TagsText), $"Tags: {tags.Count} given; use at most {TenantTags.MaxPerTenant}.");
        }

        var tooLong = tags.FirstOrDefault(t => t.Length > TenantTags.MaxLength);
        if (tooLong is not null)
        {
            InputRules.Add(errors, nameof(TenantEditModel.TagsText), FreeText.Check($"Tags: '{tooLong[..20]}…'", tooLong, TenantTags.MaxLength) + " Separate tags with commas.");
            return;
        }

        var bad = tags.FirstOrDefault(t => !TagPattern().IsMatch(t));
        if (bad is not null)
        {
            InputRules.Add(errors, nameof(TenantEditModel.TagsText),
                $"Tags: '{(bad.Length > 50 ? bad[..50] + "…" : bad)}' is not valid. Use up to {TenantTags.MaxLength} letters, digits, spaces, '.', '_' or '-', separated by commas.");
        }
    }

    [GeneratedRegex(@"^[\p{L}\p{N}][\p{L}\p{N} ._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();
}
