using System.Globalization;

namespace Portal.Features.Regions;

/// <summary>Small checks shared by the region and tenant validators, so both word their messages the same way.</summary>
public static class InputRules
{
    /// <summary>Control characters (other than tab/CR/LF in multi-line fields) are pasted garbage or an injection attempt.</summary>
    public static bool HasControlChars(string? value, bool allowLineBreaks = false) =>
        value is not null && value.Any(c => char.IsControl(c) && !(allowLineBreaks && c is '\r' or '\n' or '\t'));

    /// <summary>Checks a URL and returns a message naming the field and the fix, or null when it is fine.</summary>
    public static string? CheckUrl(string field, string? value, bool required, bool allowHttp, int maxLength = 500)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? $"{field} is required. Enter a full address starting with https://." : null;
        }

        if (value.Length > maxLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{field} is too long ({value.Length} characters). Use at most {maxLength}.");
        }

        if (HasControlChars(value) || value.Trim().Any(char.IsWhiteSpace))
        {
            return $"{field} contains spaces or invisible characters. Paste the address again without them.";
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return $"{field} is not a full address. Enter it like https://host.example.com.";
        }

        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }

        if (uri.Scheme == Uri.UriSchemeHttp && allowHttp)
        {
            return null;
        }

        return allowHttp
            ? $"{field} must start with https:// or http://."
            : $"{field} must use https://. Change '{uri.Scheme}://' to 'https://'.";
    }

    /// <summary>Host of an absolute URL, lower-case, or null.</summary>
    public static string? HostOf(string? url) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) ? uri.Host.ToLowerInvariant() : null;

    /// <summary>Compares two URLs ignoring case of scheme/host and a trailing slash.</summary>
    public static bool SameUrl(string? a, string? b) =>
        Uri.TryCreate(a?.Trim(), UriKind.Absolute, out var ua) && Uri.TryCreate(b?.Trim(), UriKind.Absolute, out var ub)
        && Uri.Compare(ua, ub, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
        || string.Equals(a?.Trim().TrimEnd('/'), b?.Trim().TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    public static void Add(Dictionary<string, List<string>> errors, string key, string? message)
    {
        if (message is null)
        {
            return;
        }

        if (!errors.TryGetValue(key, out var list))
        {
            errors[key] = list = [];
        }

        list.Add(message);
    }

    public static IReadOnlyDictionary<string, string[]> Freeze(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
