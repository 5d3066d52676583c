using System.ComponentModel.DataAnnotations;

namespace Portal.Features.Regions;

/// <summary>Where the built-in simulator is reachable; the "Simulated" regions resolve their URLs against it.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>Public base URL of this portal (the simulator is mounted under <c>/simulator</c>).</summary>
    [Required]
    public Uri PublicBaseUrl { get; set; } = new("http://localhost:5080");
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
