using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Portal.Features.Regions;

/// <summary>
/// Demo mode: the built-in Workspace ONE simulator at <c>/simulator</c>, the "Simulated" regions and the demo tenant.
/// Off unless asked for; <c>appsettings.Development.json</c> (what <c>dotnet run</c> uses) turns it on.
/// </summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>Mounts the simulator, seeds the Simulated regions and the demo tenant.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Public base URL of this portal, which the Simulated regions' URLs point at. Empty (the usual case): the address
    /// the portal listens on. Set it only when users reach the portal through another address (a reverse proxy).
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>Read straight from configuration, for registrations decided before the container is built.</summary>
    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetValue<bool>($"{SectionName}:{nameof(Enabled)}");
}

/// <summary>
/// The address the Simulated regions resolve against: <see cref="DemoOptions.PublicBaseUrl"/> when set, otherwise the
/// address Kestrel actually listens on (known once the server has started; before that, the configured <c>urls</c>).
/// </summary>
public sealed class DemoAddress(IOptions<DemoOptions> options, IConfiguration configuration, IServiceProvider services) : Portal.Integrations.Egress.IEgressDemoEndpoint
{
    public const string DefaultListenUrl = "http://localhost:5080";

    private Uri? _listening;

    public Uri BaseUrl => options.Value.PublicBaseUrl ?? ListeningAddress();

    private Uri ListeningAddress()
    {
        if (_listening is not null)
        {
            return _listening;
        }

        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is { Count: > 0 } && FirstHttp(addresses) is { } bound)
        {
            return _listening = bound; // final: the server has bound its ports
        }

        return FirstHttp((configuration["urls"] ?? DefaultListenUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            ?? new Uri(DefaultListenUrl);
    }

    /// <summary>The first http(s) address, with a wildcard host ("+", "*", 0.0.0.0, [::]) read as localhost.</summary>
    public static Uri? FirstHttp(IEnumerable<string> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        foreach (var address in addresses)
        {
            var text = address.Trim();
            var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
            if (schemeEnd < 0)
            {
                continue;
            }

            var rest = text[(schemeEnd + 3)..];
            foreach (var wildcard in (string[])["+", "*", "0.0.0.0", "[::]"])
            {
                if (rest.StartsWith(wildcard + ":", StringComparison.Ordinal) || rest == wildcard || rest.StartsWith(wildcard + "/", StringComparison.Ordinal))
                {
                    rest = "localhost" + rest[wildcard.Length..];
                    break;
                }
            }

            if (Uri.TryCreate(text[..(schemeEnd + 3)] + rest, UriKind.Absolute, out var uri)
                && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
            }
        }

        return null;
    }
}

/// <summary>Resolves <c>~/</c> markers stored for the simulated region into absolute URLs.</summary>
public static class RegionUrls
{
    public const string Marker = "~/";

    public static bool IsMarker(string? url) => url is not null && url.StartsWith(Marker, StringComparison.Ordinal);

    public static string? Resolve(string? url, Uri publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(publicBaseUrl);
        return IsMarker(url)
            ? publicBaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + url![Marker.Length..]
            : url;
    }
}
