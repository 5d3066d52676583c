using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Portal.Features.Telemetry;

/// <summary>
/// Lets a scrape of <c>/metrics</c> through when the client is in an allowed network or presents the scrape token;
/// answers 404 otherwise, so the endpoint's existence is not confirmed to anyone else. The client address is the one
/// the forwarded-headers step settled on (a trusted proxy's X-Forwarded-For, else the socket's peer).
/// </summary>
public sealed class MetricsScrapeGate(RequestDelegate next, IOptionsMonitor<MetricsOptions> options, ILogger<MetricsScrapeGate> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = options.CurrentValue;
        var remote = context.Connection.RemoteIpAddress;
        var verdict = Decide(context.Request.Headers.Authorization.ToString(), remote, settings);
        if (verdict is null)
        {
            await next(context);
            return;
        }

        logger.LogWarning("Refused a /metrics scrape from {RemoteAddress}: {Reason}", remote?.ToString() ?? "unknown", verdict);
        if (context.Features.Get<IStatusCodePagesFeature>() is { } pages)
        {
            pages.Enabled = false; // a bare 404 for scrapers, not the browser's "page not found"
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
    }

    /// <summary>Null when the scrape may proceed; otherwise why not (for the log, never for the client).</summary>
    public static string? Decide(string authorization, IPAddress? remote, MetricsOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!string.IsNullOrEmpty(authorization))
        {
            // A presented token must be the right one, from any network: a wrong token is never waved through by address.
            return TokenMatches(authorization, settings.ScrapeToken) ? null : "the bearer token is not the configured scrape token";
        }

        var address = remote is { IsIPv4MappedToIPv6: true } ? remote.MapToIPv4() : remote;
        return address is not null && settings.ParsedNetworks().Any(n => n.Contains(address))
            ? null
            : $"not in {MetricsOptions.SectionName}:AllowedNetworks and no scrape token";
    }

    private static bool TokenMatches(string authorization, string? expected)
    {
        const string scheme = "Bearer ";
        if (string.IsNullOrEmpty(expected) || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Hashes first, so the comparison takes the same time whatever the lengths (no early exit that leaks a prefix).
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()));
        var configured = SHA256.HashData(Encoding.UTF8.GetBytes(expected.Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, configured);
    }
}
