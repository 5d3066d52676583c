using System.Net;
using Portal.Integrations.Egress;

namespace Portal.Features.Regions;

/// <summary>
/// Address rules shared by regions and tenants: where credentials and tokens are sent. https only, a host name (no
/// IP literal, no user name before '@', not this machine). The egress guard refuses internal addresses again at
/// connect time, whatever the name resolves to then.
/// </summary>
public static class AddressRules
{
    public const string UemTokenPath = "/connect/token";

    /// <summary>A message naming the field and the fix, or null when the address may be saved.</summary>
    public static string? CheckRemoteUrl(string field, string? value, bool required, int maxLength = 500)
    {
        var message = InputRules.CheckUrl(field, value, required, allowHttp: false, maxLength);
        if (message is not null || string.IsNullOrWhiteSpace(value))
        {
            return message;
        }

        var uri = new Uri(value.Trim());
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return $"{field} must not contain '@' or a user name before the host: in 'https://{uri.UserInfo}@{uri.Host}' the server is really {uri.Host}. Enter only https:// followed by the server name.";
        }

        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || IPAddress.TryParse(uri.Host.Trim('[', ']'), out _))
        {
            return $"{field} must use the server's name, not an IP address ({uri.Host}). Enter it like https://host.example.com.";
        }

        if (EgressRules.IsLoopbackName(uri.Host))
        {
            return $"{field}: '{uri.Host}' is this machine, not a Workspace ONE server. Enter the server's name.";
        }

        return null;
    }

    /// <summary>UEM token URLs end in <c>/connect/token</c>: anything else is a typo or someone else's endpoint.</summary>
    public static string? CheckUemTokenPath(string field, string? value)
    {
        if (!Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var uri))
        {
            return null;
        }

        return string.Equals(uri.AbsolutePath, UemTokenPath, StringComparison.OrdinalIgnoreCase) && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment)
            ? null
            : $"{field} must end in {UemTokenPath} with nothing after it, e.g. https://uem.example.com{UemTokenPath}.";
    }

    /// <summary>Tenants of the Simulated region talk only to the built-in simulator (the one place http and loopback are legitimate).</summary>
    public static string? CheckSimulatorUrl(string field, string? value, RegionSummary simulated)
    {
        ArgumentNullException.ThrowIfNull(simulated);
        if (!Uri.TryCreate(simulated.ApiBaseUrl ?? simulated.TokenUrl, UriKind.Absolute, out var simulator)
            || !Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var uri))
        {
            return null;
        }

        return uri.Scheme == simulator.Scheme && uri.Port == simulator.Port && string.IsNullOrEmpty(uri.UserInfo)
               && string.Equals(uri.Host, simulator.Host, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"{field}: tenants of the Simulated region use the built-in simulator. Enter an address starting with {simulator.GetLeftPart(UriPartial.Path)}.";
    }
}
