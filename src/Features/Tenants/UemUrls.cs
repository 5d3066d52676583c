using System.Text.RegularExpressions;

namespace Portal.Features.Tenants;

/// <summary>UEM SaaS host rules (workspace-one-api.md §2.1), kept in one place.</summary>
public static partial class UemUrls
{
    /// <summary>SaaS domains whose sub-domains host UEM consoles and APIs. Lenient on purpose: any host ending in one is accepted.</summary>
    public static IReadOnlyList<string> KnownSaasDomains { get; } =
        ["awmdm.com", "awmdm.eu", "airwatchportals.com", "airwatch.com", "workspaceone.com"];

    public static bool IsKnownSaasHost(string? host) =>
        !string.IsNullOrEmpty(host)
        && KnownSaasDomains.Any(d => host.Equals(d, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + d, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The REST API URL for a console URL by the documented <c>cn</c>→<c>as</c> rule
    /// (<c>https://cn1234.awmdm.com</c> → <c>https://as1234.awmdm.com</c>); null when the host does not follow it.
    /// </summary>
    public static string? DeriveApiUrl(string? consoleUrl)
    {
        if (!Uri.TryCreate(consoleUrl?.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return null;
        }

        var labels = uri.Host.ToLowerInvariant().Split('.');
        var match = ConsoleLabel().Match(labels[0]);
        if (!match.Success || labels.Length < 2)
        {
            return null;
        }

        labels[0] = "as" + match.Groups[1].Value;
        var builder = new UriBuilder(uri.Scheme, string.Join('.', labels), uri.IsDefaultPort ? -1 : uri.Port);
        return builder.Uri.GetLeftPart(UriPartial.Authority);
    }

    [GeneratedRegex("^cn([0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ConsoleLabel();
}
