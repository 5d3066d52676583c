using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Portal.Features.Telemetry;

/// <summary>How traces and metrics leave the portal over OTLP. No endpoint (the default): nothing is exported.</summary>
public sealed class OtlpOptions : IValidatableObject
{
    public const string SectionName = "Telemetry:Otlp";

    /// <summary>The collector's base address, e.g. <c>http://otel-collector:4318</c>. Empty: OTLP export is off.</summary>
    public string? Endpoint { get; set; }

    /// <summary>
    /// <see cref="OtlpTransport.HttpProtobuf"/> (default) connects through the egress guard; <see cref="OtlpTransport.Grpc"/>
    /// uses the exporter's own connection, which the guard cannot see.
    /// </summary>
    public OtlpTransport Protocol { get; set; } = OtlpTransport.HttpProtobuf;

    /// <summary>The <c>service.name</c> resource attribute the collector files everything under.</summary>
    [Required]
    [MaxLength(100)]
    public string ServiceName { get; set; } = "connector-portal";

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Endpoint);

    /// <summary>The endpoint for one signal: OTLP/HTTP puts each on its own path (<c>/v1/traces</c>, <c>/v1/metrics</c>); gRPC does not.</summary>
    public Uri SignalEndpoint(string signal) => Protocol == OtlpTransport.HttpProtobuf
        ? new Uri(Endpoint!.Trim().TrimEnd('/') + "/v1/" + signal)
        : new Uri(Endpoint!.Trim());

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsEnabled)
        {
            yield break;
        }

        // The value itself is never echoed: it may hold credentials someone pasted into it.
        if (!Uri.TryCreate(Endpoint!.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            yield return new ValidationResult(
                $"{SectionName}:Endpoint is not an http(s) address. Write the collector's base address, e.g. http://otel-collector:4318 (OTLP/HTTP) or http://otel-collector:4317 (gRPC).",
                [nameof(Endpoint)]);
        }
        else if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query))
        {
            yield return new ValidationResult(
                $"{SectionName}:Endpoint must not carry a user name, password or query string (they would travel and be logged with every export). Give the bare collector address, e.g. http://otel-collector:4318.",
                [nameof(Endpoint)]);
        }
    }
}

public enum OtlpTransport
{
    HttpProtobuf,
    Grpc,
}

/// <summary>
/// The Prometheus scrape endpoint <c>/metrics</c>. Off by default. When on, a scrape is answered for clients in
/// <see cref="AllowedNetworks"/> (empty: loopback only) or presenting <see cref="ScrapeToken"/> as a bearer token;
/// everyone else gets 404, as if the endpoint did not exist.
/// </summary>
public sealed class MetricsOptions : IValidatableObject
{
    public const string SectionName = "Telemetry:Metrics";

    public const string Path = "/metrics";

    public const int MinimumTokenLength = 32;

    /// <summary>Serve <c>/metrics</c>. Off by default: a proxy that forwards without X-Forwarded-For would make every visitor look local.</summary>
    public bool Enabled { get; set; }

    /// <summary>Client networks in CIDR notation allowed to scrape without a token, e.g. <c>10.0.5.0/24</c>. Empty: loopback only.</summary>
    public IList<string> AllowedNetworks { get; } = [];

    /// <summary>A bearer token (at least 32 characters) that lets a scraper in from any network. Empty: no token is accepted.</summary>
    public string? ScrapeToken { get; set; }

    /// <summary>How long the tenants-by-status counts are reused between scrapes (one grouped query per period).</summary>
    [Range(1, 3600)]
    public int TenantCountCacheSeconds { get; set; } = 15;

    public IReadOnlyList<IPNetwork> ParsedNetworks() => AllowedNetworks.Count == 0
        ? [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")]
        : [.. AllowedNetworks.Select(n => IPNetwork.TryParse(n.Trim(), out var network) ? network : (IPNetwork?)null).OfType<IPNetwork>()];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var network in AllowedNetworks.Where(n => !IPNetwork.TryParse(n.Trim(), out _)))
        {
            yield return new ValidationResult(
                $"{SectionName}:AllowedNetworks: '{network}' is not a network in CIDR notation. Write it as address/prefix, e.g. 10.0.5.0/24 or 127.0.0.1/32.",
                [nameof(AllowedNetworks)]);
        }

        if (!string.IsNullOrEmpty(ScrapeToken) && (ScrapeToken.Trim().Length < MinimumTokenLength || ScrapeToken.Any(char.IsWhiteSpace)))
        {
            yield return new ValidationResult(
                $"{SectionName}:ScrapeToken must be at least {MinimumTokenLength} characters without spaces. Generate one, e.g. with: openssl rand -hex 32",
                [nameof(ScrapeToken)]);
        }
    }
}
