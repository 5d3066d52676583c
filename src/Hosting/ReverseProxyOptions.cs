using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.Extensions.Options;

namespace Portal.Hosting;

/// <summary>
/// The TLS-terminating proxies whose X-Forwarded-For/X-Forwarded-Proto headers are believed. Empty (the default):
/// loopback only, as ASP.NET Core does. Setting either list replaces that default, so only what is listed is trusted.
/// </summary>
public sealed class ReverseProxyOptions : IValidatableObject
{
    public const string SectionName = "ReverseProxy";

    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c>.</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/24</c>.</summary>
    public IList<string> KnownNetworks { get; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult(
                $"{SectionName}:KnownProxies: '{proxy}' is not an IP address. List the proxy's address, e.g. 10.0.0.5 (no port, no host name).",
                [nameof(KnownProxies)]);
        }

        foreach (var network in KnownNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult(
                $"{SectionName}:KnownNetworks: '{network}' is not a network in CIDR notation. Write it as address/prefix, e.g. 10.0.0.0/24.",
                [nameof(KnownNetworks)]);
        }
    }
}

/// <summary>Registration and pipeline step for running behind a reverse proxy.</summary>
public static class PortalReverseProxy
{
    public static WebApplicationBuilder AddPortalReverseProxy(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<ReverseProxyOptions>().BindConfiguration(ReverseProxyOptions.SectionName).ValidateDataAnnotations();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ReverseProxyOptions>>((forwarded, proxy) =>
        {
            // The client address and the original scheme only: X-Forwarded-Host is not trusted (it would steer generated links).
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            if (proxy.Value.KnownProxies.Count == 0 && proxy.Value.KnownNetworks.Count == 0)
            {
                return; // ASP.NET Core's default: loopback only
            }

            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var address in proxy.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(address));
            }

            foreach (var network in proxy.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(IPNetwork.Parse(network));
            }
        });
        return builder;
    }
}
