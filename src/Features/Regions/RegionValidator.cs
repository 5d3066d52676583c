using System.Text.RegularExpressions;
using Portal.Features.Validation;

namespace Portal.Features.Regions;

/// <summary>Rules for a region an admin adds or edits. Real (production/UAT) regions never point at the simulator.</summary>
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
        CheckRegionUrl(errors, nameof(model.TokenUrl), "Token URL", model.TokenUrl, required: true, model.Kind, simulatorBaseUrl);
        CheckRegionUrl(errors, nameof(model.LegacyTokenUrl), "Legacy token URL", model.LegacyTokenUrl, required: false, model.Kind, simulatorBaseUrl);
        CheckRegionUrl(errors, nameof(model.ApiBaseUrl), "API base URL", model.ApiBaseUrl,
            required: model.Product == RegionProduct.Intelligence || ours, model.Kind, simulatorBaseUrl);
        return InputRules.Freeze(errors);
    }

    private static void CheckText(Dictionary<string, List<string>> errors, string key, string field, string? value, int max, bool required) =>
        InputRules.Add(errors, key, FreeText.Check(field, value, max, required));

    private static void CheckRegionUrl(Dictionary<string, List<string>> errors, string key, string field, string? value, bool required, RegionKind kind, Uri simulatorBaseUrl)
    {
        if (RegionUrls.IsMarker(value))
        {
            // "~/..." markers exist only for the simulator pair.
            InputRules.Add(errors, key, kind == RegionKind.Simulated ? null : $"{field}: '~/' simulator addresses are only allowed for the simulated region. Enter a full https:// address.");
            return;
        }

        var ours = kind is RegionKind.Simulated or RegionKind.Custom;
        var message = InputRules.CheckUrl(field, value, required, allowHttp: ours);
        InputRules.Add(errors, key, message);
        if (message is null && !ours && value is not null
            && string.Equals(InputRules.HostOf(value), simulatorBaseUrl.Host, StringComparison.OrdinalIgnoreCase))
        {
            InputRules.Add(errors, key, $"{field}: a production or UAT region cannot point at the portal's simulator. Use the vendor's address, or the 'sim' region for demos.");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,19}$", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();
}
