using Microsoft.Extensions.Options;

namespace Portal.Integrations.Uem;

/// <summary>Which optional steps to run.</summary>
public sealed record UemVerifyOptions(bool IncludeDeviceSearch = true, bool IncludeIntelligenceEula = false);

/// <summary>
/// Runs the layered checks for one tenant connection: region pairing → token → system/info → OG lookup (Customer type)
/// → api-keys (client id and API key listed) → optional device search and Intelligence EULA. Stops at the first failure.
/// </summary>
public sealed partial class UemConnectionVerifier(
    UemTokenProvider tokens,
    UemApiClient api,
    UemRateLimits rateLimits,
    IOptionsMonitor<RateLimitOptions> rateLimitOptions,
    TimeProvider time,
    ILogger<UemConnectionVerifier> logger)
{
    public async Task<IReadOnlyList<DiagnosedCheck>> VerifyAsync(UemConnection connection, UemVerifyOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var results = await RunChecksAsync(connection, options ?? new UemVerifyOptions(), cancellationToken);
        if (RateLimitWarning(connection) is { } warning)
        {
            results.Add(warning);
        }

        return results;
    }

    /// <summary>Label of the warning added after the checks when few calls remain; it is not one of the ordered <see cref="UemCheck"/>s.</summary>
    public const string RateLimitCheck = "API rate limit";

    /// <summary>A warning when the tenant's last UEM response said few calls remain in its rate-limit window.</summary>
    private DiagnosedCheck? RateLimitWarning(UemConnection connection)
    {
        var percent = rateLimitOptions.CurrentValue.WarnWhenRemainingPercentAtMost;
        // A reading from a window that has since reset (this run stopped before any API call) says nothing.
        if (percent <= 0 || rateLimits.Latest(connection.ApiBase) is not { } reading || !reading.IsLow(percent) || reading.ResetAt <= time.GetUtcNow())
        {
            return null;
        }

        var until = reading.ResetAt is { } reset ? $" until {reset:HH:mm:ss} UTC" : "";
        return DiagnosedCheck.Warning(RateLimitCheck, DiagnosisLayer.ApiAuthentication,
            $"Only {reading.Remaining} of {reading.Limit} UEM API calls remain{until}.",
            $"Wait{(until.Length > 0 ? until : " for the window to reset")} before bulk work on this tenant; other integrations on the tenant (Intelligence, scripts) share these calls, so check them if this repeats.");
    }

    private async Task<List<DiagnosedCheck>> RunChecksAsync(UemConnection connection, UemVerifyOptions options, CancellationToken cancellationToken)
    {
        var results = new List<DiagnosedCheck>();
        var region = RegionResolver.Assess(connection.TokenUrl, connection.RestApiUrl, connection.ApiRegionCode);
        var context = new DiagnosisContext(connection.ClientId, connection.ClientSecret.WasTrimmed, region, connection.TokenUrl);

        results.Add(region.HasProblems
            ? Warning(UemCheck.Region, DiagnosisLayer.TokenExchange, $"Token URL region '{region.TokenRegion ?? "unknown"}', API host region '{region.ApiRegion ?? "unknown"}'.", string.Join(" ", region.Findings))
            : Passed(UemCheck.Region, DiagnosisLayer.TokenExchange, $"Token URL region '{region.TokenRegion ?? "unknown"}' matches the tenant."));

        if (connection.ClientSecret.IsEmpty)
        {
            results.Add(Failed(UemCheck.Token, DiagnosisLayer.TokenExchange, FailureCause.InvalidClient, "No client secret was entered.", "Paste the client secret shown when the OAuth client was created."));
            return Log(results);
        }

        if (!await RunAsync(results, UemCheck.Token, DiagnosisLayer.TokenExchange, context, async ct =>
            {
                var token = await tokens.GetTokenAsync(connection, ct);
                return $"Token received; valid until {token.ExpiresAt:HH:mm} UTC.";
            }, cancellationToken))
        {
            return Log(results);
        }

        if (!await RunAsync(results, UemCheck.SystemInfo, DiagnosisLayer.ApiAuthentication, context, async ct =>
            {
                var info = await api.GetSystemInfoAsync(connection, ct);
                return $"Authenticated to {info.ProductName ?? "Workspace ONE UEM"} {info.ProductVersion}.";
            }, cancellationToken))
        {
            return Log(results);
        }

        if (string.IsNullOrWhiteSpace(connection.OrganizationGroupId))
        {
            results.Add(Failed(UemCheck.OrganizationGroup, DiagnosisLayer.OrganizationGroup, FailureCause.OrganizationGroupNotFound, "No organisation Group ID was entered.", "Enter the Group ID of the tenant's Customer organisation group."));
            return Log(results);
        }

        UemOrganizationGroup? group = null;
        if (!await RunAsync(results, UemCheck.OrganizationGroup, DiagnosisLayer.OrganizationGroup, context, async ct =>
            {
                var search = await api.SearchOrganizationGroupsAsync(connection, connection.OrganizationGroupId, ct);
                group = search.OrganizationGroups?.FirstOrDefault(g => string.Equals(g.GroupId, connection.OrganizationGroupId, StringComparison.OrdinalIgnoreCase));
                return group is null ? "" : $"Found '{group.Name}' ({group.LocationGroupType}).";
            }, cancellationToken))
        {
            return Log(results);
        }

        if (group is null)
        {
            results[^1] = Failed(UemCheck.OrganizationGroup, DiagnosisLayer.OrganizationGroup, FailureCause.OrganizationGroupNotFound,
                $"No organisation group has Group ID '{connection.OrganizationGroupId}'.", "Check the Group ID in UEM (Groups & Settings → Groups → Organization Groups → Details).");
            return Log(results);
        }

        if (!group.IsCustomerType)
        {
            results[^1] = Failed(UemCheck.OrganizationGroup, DiagnosisLayer.OrganizationGroup, FailureCause.OrganizationGroupNotCustomerType,
                $"'{group.Name}' is a {group.LocationGroupType} group, not a Customer group.", "Use the tenant's top Customer-type organisation group; OAuth clients and API keys belong there.");
            return Log(results);
        }

        UemApiKeysResult? keys = null;
        if (!await RunAsync(results, UemCheck.ApiKeys, DiagnosisLayer.TenantCodeApiKey, context, async ct =>
            {
                keys = await api.GetApiKeysAsync(connection, group.Uuid, ct);
                return "";
            }, cancellationToken))
        {
            return Log(results);
        }

        var clientListed = keys!.OAuthClients?.Any(c => string.Equals(c.ClientId, connection.ClientId, StringComparison.OrdinalIgnoreCase)) == true;
        var keyListed = connection.ApiKey is null || keys.ApiKeys?.Any(k => k.ApiKey is not null && k.ApiKey.Reveal() == connection.ApiKey.Reveal()) == true;
        results[^1] = (clientListed, keyListed) switch
        {
            (false, _) => Failed(UemCheck.ApiKeys, DiagnosisLayer.TenantCodeApiKey, FailureCause.ClientNotListed,
                $"OAuth client {connection.ClientId} is not listed on '{group.Name}'.", "Create the OAuth client at the Customer organisation group (not a child group), or enter the Group ID of the group it was created at."),
            (true, false) => Failed(UemCheck.ApiKeys, DiagnosisLayer.TenantCodeApiKey, FailureCause.ApiKeyNotListed,
                $"The REST API key entered is not one of the keys of '{group.Name}'.", "Copy the key again from All Settings → System → Advanced → API → REST API at the Customer organisation group."),
            _ => Passed(UemCheck.ApiKeys, DiagnosisLayer.TenantCodeApiKey, connection.ApiKey is null ? "OAuth client is listed on the organisation group." : "OAuth client and REST API key are listed on the organisation group."),
        };
        if (!results[^1].Ok)
        {
            return Log(results);
        }

        if (options.IncludeDeviceSearch && !await RunAsync(results, UemCheck.DeviceSearch, DiagnosisLayer.RolePermissions, context, async ct =>
            {
                var devices = await api.SearchDevicesAsync(connection, new UemDeviceQuery(PageSize: 1), ct);
                return $"Role can read devices ({devices.Total ?? devices.Devices?.Count ?? 0} in total).";
            }, cancellationToken))
        {
            return Log(results);
        }

        if (options.IncludeIntelligenceEula)
        {
            await RunAsync(results, UemCheck.IntelligenceEula, DiagnosisLayer.Intelligence, context, async ct =>
            {
                var eula = await api.GetIntelligenceEulaAsync(connection, group.Uuid, ct);
                return eula.IsAccepted ? "Intelligence EULA accepted." : "Intelligence EULA not yet accepted.";
            }, cancellationToken);
        }

        return Log(results);
    }

    // Every result carries its UemCheck, so callers key on the check itself and the label stays free to change.
    private static DiagnosedCheck Passed(UemCheck check, DiagnosisLayer layer, string summary) =>
        DiagnosedCheck.Passed(check.Label(), layer, summary) with { Uem = check };

    private static DiagnosedCheck Warning(UemCheck check, DiagnosisLayer layer, string summary, string fix) =>
        DiagnosedCheck.Warning(check.Label(), layer, summary, fix) with { Uem = check };

    private static DiagnosedCheck Failed(UemCheck check, DiagnosisLayer layer, FailureCause cause, string summary, string fix) =>
        DiagnosedCheck.Failed(check.Label(), layer, cause, summary, fix) with { Uem = check };

    private static async Task<bool> RunAsync(List<DiagnosedCheck> results, UemCheck check, DiagnosisLayer layer, DiagnosisContext context, Func<CancellationToken, Task<string>> step, CancellationToken cancellationToken)
    {
        try
        {
            results.Add(Passed(check, layer, await step(cancellationToken)));
            return true;
        }
        catch (IntegrationException ex)
        {
            // The EULA endpoint is a UEM call: report its failures at their own layer, not as Intelligence ones.
            var attempted = layer == DiagnosisLayer.Intelligence ? DiagnosisLayer.OrganizationGroup : layer;
            results.Add(ConnectionDiagnosis.Diagnose(check.Label(), attempted, ex, context) with { Uem = check });
            return false;
        }
    }

    private List<DiagnosedCheck> Log(List<DiagnosedCheck> results)
    {
        foreach (var result in results.Where(r => !r.Ok))
        {
            LogFailure(result.Check, result.Layer, result.Cause, result.Evidence?.StatusCode, result.Evidence?.ErrorCode, result.Evidence?.ActivityId, result.Evidence?.Host);
        }

        return results;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "UEM connection check {Check} failed at {Layer}: {Cause} (status {Status}, error {ErrorCode}, activity {ActivityId}, host {Host})")]
    private partial void LogFailure(string check, DiagnosisLayer layer, FailureCause? cause, int? status, string? errorCode, string? activityId, string? host);
}
