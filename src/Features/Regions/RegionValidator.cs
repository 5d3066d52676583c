using System.Text.RegularExpressions;
using Portal.Features.Validation;

namespace Portal.Features.Regions;

/// <summary>
/// Rules for a region an admin adds or edits. Its token URL is where every tenant of the region sends its client
/// secret, so: https, a host name, /connect/token for UEM; a built-in (production/UAT) region keeps the vendor's hosts
/// and never points at the simulator; only the Simulated region may use http and the portal's own address.
/// </summary>
public static partial class RegionValidator
{
    public static IReadOnlyDictionary<string, string[]> Validate(RegionEditModel model, Uri simulatorBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(simulatorBaseUrl);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var code = model.Code?.Trim() ?? "";
        if (!CodePattern().IsMatch(code))
        {
            InputRules.Add(errors, nameof(model.Code), "Code must be 2-20 lower-case letters, digits or '-', e.g. 'onprem-eu'.");
        }

        CheckText(errors, nameof(model.DisplayName), "Name", model.DisplayName, 100, required: true);
        CheckText(errors, nameof(model.Location), "Location", model.Location, 100, required: true);
        CheckText(errors, nameof(model.CountriesServed), "Countries served", model.CountriesServed, 300, required: false);

        var ours = model.Kind is RegionKind.Simulated or RegionKind.Custom;
        var builtIn = model.Kind is RegionKind.Production or RegionKind.Uat
            ? RegionSeedData.All.FirstOrDefault(r => r.Product == model.Product && r.Code == code && r.Kind == model.Kind)
            : null;
        var uemToken = model.Product == RegionProduct.Uem;
        CheckRegionUrl(errors, nameof(model.TokenUrl), "Token URL", model.TokenUrl, required: true, model.Kind, simulatorBaseUrl, builtIn?.TokenUrl, uemToken);
        CheckRegionUrl(errors, nameof(model.LegacyTokenUrl), "Legacy token URL", model.LegacyTokenUrl, required: false, model.Kind, simulatorBaseUrl, builtIn?.LegacyTokenUrl, uemToken);
        CheckRegionUrl(errors, nameof(model.ApiBaseUrl), "API base URL", model.ApiBaseUrl,
            required: model.Product == RegionProduct.Intelligence || ours, model.Kind, simulatorBaseUrl, builtIn?.ApiBaseUrl, isUemTokenUrl: false);
        return InputRules.Freeze(errors);
    }

    private static void CheckText(Dictionary<string, List<string>> errors, string key, string field, string? value, int max, bool required) =>
        InputRules.Add(errors, key, FreeText.Check(field, value, max, required));

    private static void CheckRegionUrl(
        Dictionary<string, List<string>> errors, string key, string field, string? value, bool required, RegionKind kind, Uri simulatorBaseUrl, string? vendorUrl, bool isUemTokenUrl)
    {
        if (RegionUrls.IsMarker(value))
        {
            // "~/..." markers exist only for the simulator pair.
            InputRules.Add(errors, key, kind == RegionKind.Simulated ? null : $"{field}: '~/' simulator addresses are only allowed for the simulated region. Enter a full https:// address.");
            return;
        }

        if (kind == RegionKind.Simulated)
        {
            InputRules.Add(errors, key, InputRules.CheckUrl(field, value, required, allowHttp: true));
            return;
        }

        var message = InputRules.CheckUrl(field, value, required, allowHttp: false);
        if (message is null && kind != RegionKind.Custom && value is not null
            && string.Equals(InputRules.HostOf(value), simulatorBaseUrl.Host, StringComparison.OrdinalIgnoreCase))
        {
            message = $"{field}: a production or UAT region cannot point at the portal's simulator. Use the vendor's address, or the 'sim' region for demos.";
        }

        message ??= AddressRules.CheckRemoteUrl(field, value, required);
        if (message is null && isUemTokenUrl && !string.IsNullOrWhiteSpace(value))
        {
            message = AddressRules.CheckUemTokenPath(field, value);
        }

        if (message is null && kind is RegionKind.Production or RegionKind.Uat && !string.IsNullOrWhiteSpace(value) && vendorUrl is not null
            && !string.Equals(InputRules.HostOf(value), InputRules.HostOf(vendorUrl), StringComparison.OrdinalIgnoreCase))
        {
            // Every tenant of a built-in region sends its client secret here: only Omnissa's host will do.
            message = $"{field}: a built-in region keeps Omnissa's server ({InputRules.HostOf(vendorUrl)}); it cannot be pointed at {InputRules.HostOf(value)}. "
                    + "Use " + vendorUrl + ", or ask an administrator to add a Custom region for another token service.";
        }
        else if (message is null && kind is RegionKind.Production or RegionKind.Uat && !string.IsNullOrWhiteSpace(value) && vendorUrl is null)
        {
            message = $"{field}: a built-in region has no other address than Omnissa's published ones. Leave it empty, or add a Custom region.";
        }

        InputRules.Add(errors, key, message);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,19}$", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();
}
