using Portal.Features.Regions;
using Portal.Features.Tenants;
using Portal.Integrations;
using Portal.Integrations.Intelligence;
using Portal.Integrations.Uem;
using Portal.Simulator;

namespace Portal.Features.Setup;

/// <summary>
/// The wizard's verifications over the real Workspace ONE clients (the built-in simulator for the simulated
/// region). Credentials come from the tenant's encrypted store, or from what the user just pasted.
/// </summary>
public sealed class WorkspaceOneSetupVerifier(
    TenantService tenants,
    TenantSecretsService secrets,
    RegionService regions,
    UemTokenProvider tokens,
    UemApiClient uem,
    UemConnectionVerifier uemVerifier,
    IntelligenceConnectionVerifier intelligenceVerifier,
    IServiceProvider services) : ISetupVerifier
{
    public async Task<OrganizationGroupLookup> LookupOrganizationGroupAsync(int tenantId, string groupId, CancellationToken cancellationToken)
    {
        var connection = await StoredConnectionAsync(tenantId, groupId, apiKeyOverride: null, cancellationToken);
        if (connection is null)
        {
            return new OrganizationGroupLookup(false, null, null, null, VerificationReport.OneLine("Organisation group", true,
                "Not checked yet: no OAuth client is stored for this tenant. The group is verified in step 4.")) { Verifiable = false };
        }

        try
        {
            var search = await uem.SearchOrganizationGroupsAsync(connection, groupId, cancellationToken);
            var group = search.OrganizationGroups?.FirstOrDefault(g => string.Equals(g.GroupId, groupId, StringComparison.OrdinalIgnoreCase));
            return group is null
                ? new OrganizationGroupLookup(false, null, null, null, VerificationReport.OneLine("Organisation group", false, $"No organisation group has Group ID '{groupId}'.",
                    fix: "Check the Group ID in UEM: Groups & Settings → Groups → Organization Groups → Details."))
                : new OrganizationGroupLookup(true, group.Name, group.Uuid.ToString(), group.LocationGroupType, VerificationReport.OneLine("Organisation group", group.IsCustomerType,
                    $"Found '{group.Name}' ({group.LocationGroupType}).", fix: group.IsCustomerType ? null : "Use the tenant's top Customer-type organisation group."));
        }
        catch (IntegrationException ex)
        {
            var line = ConnectionDiagnosis.Diagnose("Organisation group", DiagnosisLayer.OrganizationGroup, ex);
            return new OrganizationGroupLookup(false, null, null, null, new VerificationReport([ToLine(line)]));
        }
    }

    public async Task<VerificationReport> VerifyClientCredentialsAsync(int tenantId, string clientId, string clientSecret, CancellationToken cancellationToken)
    {
        var target = await TargetAsync(tenantId, cancellationToken);
        if (target is null)
        {
            return Missing();
        }

        var secret = SecretString.Create(clientSecret);
        var connection = new UemConnection(new Uri(target.TokenUrl), new Uri(target.ApiUrl), clientId, secret, ApiRegionCode: target.RegionCode);
        var region = RegionResolver.Assess(connection.TokenUrl, connection.RestApiUrl, connection.ApiRegionCode);
        var lines = new List<VerificationLine>
        {
            new("Region", true, region.HasProblems ? string.Join(" ", region.Findings) : $"Token URL {connection.TokenUrl.Host} fits the tenant's region.", connection.TokenUrl.ToString()),
        };
        try
        {
            var token = await tokens.GetTokenAsync(connection, cancellationToken);
            lines.Add(new("Token exchange", true, $"The token service issued a token (valid until {token.ExpiresAt:HH:mm} UTC).", connection.TokenUrl.Host));
        }
        catch (IntegrationException ex)
        {
            lines.Add(ToLine(ConnectionDiagnosis.Diagnose("Token exchange", DiagnosisLayer.TokenExchange, ex,
                new DiagnosisContext(clientId, secret.WasTrimmed, region, connection.TokenUrl))));
        }

        return new VerificationReport(lines);
    }

    public async Task<VerificationReport> VerifyApiKeyAsync(int tenantId, string apiKey, CancellationToken cancellationToken)
    {
        var connection = await StoredConnectionAsync(tenantId, null, apiKey, cancellationToken);
        return connection is null ? NoClient() : await RunUemAsync(connection, new UemVerifyOptions(IncludeDeviceSearch: false), cancellationToken);
    }

    public async Task<VerificationReport> VerifyUemEndToEndAsync(int tenantId, CancellationToken cancellationToken)
    {
        var connection = await StoredConnectionAsync(tenantId, null, null, cancellationToken);
        return connection is null ? NoClient() : await RunUemAsync(connection, new UemVerifyOptions(IncludeDeviceSearch: true), cancellationToken);
    }

    public async Task<VerificationReport> VerifyIntelligenceAsync(int tenantId, CancellationToken cancellationToken)
    {
        var credentials = await secrets.GetForApiCallAsync(tenantId, "verify Intelligence access", cancellationToken);
        if (credentials is null)
        {
            return Missing();
        }

        if (credentials.IntelligenceClientSecret is null || credentials.IntelligenceClientId is null || credentials.IntelligenceTokenUrl is null || credentials.IntelligenceApiUrl is null)
        {
            return VerificationReport.OneLine("Intelligence", false, credentials.UnreadableMessage ?? "No Intelligence service account is stored for this tenant.",
                fix: "Add the service account's client ID and secret (Intelligence → Settings → Service Accounts) and an Intelligence region on the tenant page.");
        }

        var connection = new IntelligenceConnection(new Uri(credentials.IntelligenceTokenUrl), new Uri(credentials.IntelligenceApiUrl),
            credentials.IntelligenceClientId, SecretString.Create(credentials.IntelligenceClientSecret.Reveal()));
        var lines = (await intelligenceVerifier.VerifyAsync(connection, cancellationToken)).Select(ToLine).ToList();
        if (lines.All(l => l.Passed))
        {
            // Intelligence only works for a Customer OG that accepted the Intelligence EULA.
            var uemConnection = await StoredConnectionAsync(tenantId, null, null, cancellationToken);
            if (uemConnection is not null)
            {
                var eula = await uemVerifier.VerifyAsync(uemConnection, new UemVerifyOptions(IncludeDeviceSearch: false, IncludeIntelligenceEula: true), cancellationToken);
                lines.AddRange(eula.Where(c => c.Layer == DiagnosisLayer.Intelligence || !c.Ok).Select(ToLine));
            }
        }

        return new VerificationReport(lines);
    }

    public async Task<VerificationReport> LockTestDeviceAsync(int tenantId, string serialNumber, CancellationToken cancellationToken)
    {
        var connection = await StoredConnectionAsync(tenantId, null, null, cancellationToken);
        if (connection is null)
        {
            return NoClient();
        }

        var lines = new List<VerificationLine>();
        try
        {
            UemDevice? device = null;
            for (var page = 0; page < 20 && device is null; page++)
            {
                var result = await uem.SearchDevicesAsync(connection, new UemDeviceQuery(Page: page, PageSize: 500), cancellationToken);
                device = result.Devices?.FirstOrDefault(d => string.Equals(d.SerialNumber, serialNumber, StringComparison.OrdinalIgnoreCase));
                if (result.Devices is null || result.Devices.Count < 500)
                {
                    break;
                }
            }

            if (device?.Id is null)
            {
                return VerificationReport.OneLine("Device", false, $"No device with serial number {serialNumber} is visible to this OAuth client.",
                    fix: "Check the serial number in UEM (Devices → List View), and that the client's role can read devices.");
            }

            lines.Add(new("Device", true, $"Found {device.DeviceFriendlyName ?? device.SerialNumber} (id {device.Id.Value}, {device.Platform})."));
            await uem.LockDeviceAsync(connection, device.Id.Value, cancellationToken);
            lines.Add(new("Lock command", true, "UEM accepted the Lock command (202 Accepted): the role can send device commands."));
            if (services.GetService(typeof(SimulatorState)) is SimulatorState simulator && connection.RestApiUrl.AbsolutePath.Contains("/simulator", StringComparison.OrdinalIgnoreCase))
            {
                var recorded = simulator.Commands(SimulatorDemo.TenantHostKey).Any(c => c.DeviceId == device.Id.Value && c.Command == "Lock");
                lines.Add(new("Simulator command log", recorded, recorded ? "The simulator recorded the Lock command for this device." : "The simulator did not record the command."));
            }
        }
        catch (IntegrationException ex)
        {
            lines.Add(ToLine(ConnectionDiagnosis.Diagnose("Lock command", DiagnosisLayer.RolePermissions, ex)));
        }

        return new VerificationReport(lines);
    }

    private async Task<VerificationReport> RunUemAsync(UemConnection connection, UemVerifyOptions options, CancellationToken cancellationToken) =>
        new([.. (await uemVerifier.VerifyAsync(connection, options, cancellationToken)).Select(ToLine)]);

    private sealed record Target(string TokenUrl, string ApiUrl, string? RegionCode, string? OrganizationGroupId);

    private async Task<Target?> TargetAsync(int tenantId, CancellationToken cancellationToken)
    {
        var details = await tenants.GetAsync(tenantId, cancellationToken);
        if (details?.Model.UemRegionId is not { } regionId)
        {
            return null;
        }

        var region = await regions.GetAsync(regionId, cancellationToken);
        // The region resolver knows only the vendor's regions; simulated and custom ones are not cross-checked.
        var code = region is { IsUnchecked: false } ? region.Code : null;
        return new Target(details.Model.UemTokenUrl, details.Model.UemApiUrl, code, details.Model.OrganizationGroupId);
    }

    private async Task<UemConnection?> StoredConnectionAsync(int tenantId, string? groupIdOverride, string? apiKeyOverride, CancellationToken cancellationToken)
    {
        var target = await TargetAsync(tenantId, cancellationToken);
        var credentials = target is null ? null : await secrets.GetForApiCallAsync(tenantId, "wizard verification", cancellationToken);
        if (target is null || credentials?.OAuthClientId is null || credentials.UemClientSecret is null)
        {
            return null;
        }

        var apiKey = apiKeyOverride ?? credentials.UemApiKey?.Reveal();
        return new UemConnection(
            new Uri(credentials.UemTokenUrl), new Uri(credentials.UemApiUrl), credentials.OAuthClientId, SecretString.Create(credentials.UemClientSecret.Reveal()),
            apiKey is null ? null : SecretString.Create(apiKey), groupIdOverride ?? target.OrganizationGroupId, target.RegionCode);
    }

    private static VerificationLine ToLine(CheckResult check)
    {
        var evidence = check.Evidence is { } e
            ? string.Join(", ", new[]
            {
                e.StatusCode is { } status ? $"HTTP {status}" : null,
                e.ErrorCode is { } code ? $"error {code}" : null,
                e.ActivityId is { } activity ? $"activityId {activity}" : null,
                e.Host,
                e.RetryAt is { } retry ? $"next call allowed at {retry:HH:mm:ss} UTC" : null,
            }.Where(p => p is not null))
            : null;
        return new VerificationLine(check.Check, check.Ok, check.Summary, string.IsNullOrEmpty(evidence) ? null : evidence, check.Fix);
    }

    private static VerificationReport Missing() =>
        VerificationReport.OneLine("Tenant", false, "This tenant does not exist or is outside your tenant scope.");

    private static VerificationReport NoClient() =>
        VerificationReport.OneLine("OAuth client", false, "No OAuth client is stored for this tenant yet.", fix: "Complete step 2 (create the OAuth client in UEM and paste its Client ID and Secret).");
}
