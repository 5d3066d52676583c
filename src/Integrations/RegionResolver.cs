namespace Portal.Integrations;

/// <summary>What the token URL and API host say about the tenant's region, and what is wrong with the pairing.</summary>
public sealed record RegionAssessment(
    string? TokenRegion,
    string? ApiRegion,
    bool IsLegacyTokenHost,
    bool IsSimulated,
    bool RegionMismatch,
    bool UatProductionMismatch,
    IReadOnlyList<string> Findings)
{
    public bool HasProblems => RegionMismatch || UatProductionMismatch || Findings.Count > 0;
}

/// <summary>Cross-checks a UEM token URL against the region the API host belongs to.</summary>
public static class RegionResolver
{
    private const string SimulatedRegionSegment = "regions";

    /// <summary>
    /// Region code of a token URL: <c>{code}.uemauth.workspaceone.com</c>, the legacy <c>vmwservices.com</c> host, or a
    /// simulator URL <c>…/regions/{code}/connect/token</c>. Null when unknown (on-prem or a typo).
    /// </summary>
    public static string? TokenUrlRegion(Uri tokenUrl, out bool isLegacy, out bool isSimulated)
    {
        ArgumentNullException.ThrowIfNull(tokenUrl);
        isLegacy = false;
        isSimulated = false;
        var host = tokenUrl.IdnHost;
        foreach (var (domain, legacy) in new[] { (WorkspaceOneRegions.CurrentUemAuthDomain, false), (WorkspaceOneRegions.LegacyUemAuthDomain, true) })
        {
            if (host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase))
            {
                isLegacy = legacy;
                return host[..^(domain.Length + 1)];
            }
        }

        var segments = tokenUrl.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var index = Array.FindIndex(segments, s => string.Equals(s, SimulatedRegionSegment, StringComparison.OrdinalIgnoreCase));
        if (index >= 0 && index + 1 < segments.Length)
        {
            isSimulated = true;
            return segments[index + 1];
        }

        return null;
    }

    /// <summary>Assesses the pairing. <paramref name="apiRegion"/> is the region the tenant's API host is known to belong to, if any.</summary>
    public static RegionAssessment Assess(Uri tokenUrl, Uri? restApiUrl, string? apiRegion)
    {
        ArgumentNullException.ThrowIfNull(tokenUrl);
        var findings = new List<string>();
        var tokenRegion = TokenUrlRegion(tokenUrl, out var legacy, out var simulated);
        if (tokenRegion is null)
        {
            findings.Add($"The token URL host {tokenUrl.Host} is not a Workspace ONE token service. Use https://<region>.{WorkspaceOneRegions.CurrentUemAuthDomain}/connect/token.");
        }
        else if (!simulated && WorkspaceOneRegions.FindUemRegion(tokenRegion) is null)
        {
            findings.Add(string.Equals(tokenRegion, "eu", StringComparison.OrdinalIgnoreCase)
                ? $"'eu.' is not an official token host; European tenants use https://emea.{WorkspaceOneRegions.CurrentUemAuthDomain}/connect/token."
                : $"'{tokenRegion}' is not a known token region (known: uat, na, emea, apac).");
        }

        if (legacy)
        {
            findings.Add($"The token URL uses the legacy {WorkspaceOneRegions.LegacyUemAuthDomain} host; it still works but is being retired. Prefer https://{tokenRegion}.{WorkspaceOneRegions.CurrentUemAuthDomain}/connect/token.");
        }

        if (!tokenUrl.AbsolutePath.EndsWith("/connect/token", StringComparison.Ordinal))
        {
            findings.Add($"The token URL path must end with /connect/token (no trailing slash); it is {tokenUrl.AbsolutePath}.");
        }

        if (restApiUrl is not null && !simulated && restApiUrl.Host.EndsWith("." + WorkspaceOneRegions.CurrentUemAuthDomain, StringComparison.OrdinalIgnoreCase))
        {
            findings.Add("The REST API URL points at the token service; use the tenant's REST API URL (e.g. https://asNNNN.awmdm.com).");
        }

        var mismatch = tokenRegion is not null && apiRegion is not null && !string.Equals(tokenRegion, apiRegion, StringComparison.OrdinalIgnoreCase);
        var tokenIsUat = string.Equals(tokenRegion, "uat", StringComparison.OrdinalIgnoreCase);
        var apiIsUat = string.Equals(apiRegion, "uat", StringComparison.OrdinalIgnoreCase);
        var uatMismatch = mismatch && (tokenIsUat != apiIsUat);
        if (uatMismatch)
        {
            findings.Add(tokenIsUat
                ? $"The token URL is the UAT token service but the tenant is a production tenant in region '{apiRegion}'."
                : $"The tenant is a UAT tenant but the token URL is the production '{tokenRegion}' service; use https://uat.{WorkspaceOneRegions.CurrentUemAuthDomain}/connect/token.");
        }
        else if (mismatch)
        {
            findings.Add($"The token URL is for region '{tokenRegion}' but the API host belongs to region '{apiRegion}'.");
        }

        return new RegionAssessment(tokenRegion, apiRegion, legacy, simulated, mismatch, uatMismatch, findings);
    }
}
