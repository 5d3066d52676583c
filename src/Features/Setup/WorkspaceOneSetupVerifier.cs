using Portal.Features.Tenants;
using Portal.Integrations;
using Portal.Integrations.Intelligence;
using Portal.Integrations.Uem;

namespace Portal.Features.Setup;

/// <summary>
/// The wizard's verifications over the real Workspace ONE clients. The connections come from the tenant's credentials
/// (<see cref="TenantApiCredentials"/>), read once per click by the setup pipeline.
/// </summary>
public sealed class WorkspaceOneSetupVerifier(
    UemTokenProvider tokens,
    UemApiClient uem,
    UemConnectionVerifier uemVerifier,
    IntelligenceConnectionVerifier intelligenceVerifier,
    IEnumerable<IDeviceCommandWitness> witnesses,
    TimeProvider clock) : ISetupVerifier
{
    public async Task<OrganizationGroupLookup> LookupOrganizationGroupAsync(UemConnection? connection, string groupId, CancellationToken cancellationToken)
    {
        if (connection is null)
        {
            return new OrganizationGroupLookup(false, null, null, null, VerificationReport.OneLine(UemCheck.OrganizationGroup.Label(), true,
                "Not checked yet: no OAuth client is stored for this tenant. The group is verified in step 4.")) { Verifiable = false };
        }

        try
        {
            var search = await uem.SearchOrganizationGroupsAsync(connection, groupId, cancellationToken);
            var group = search.OrganizationGroups?.FirstOrDefault(g => string.Equals(g.GroupId, groupId, StringComparison.OrdinalIgnoreCase));
            return group is null
                ? new OrganizationGroupLookup(false, null, null, null, VerificationReport.OneLine(UemCheck.OrganizationGroup.Label(), false, $"No organisation group has Group ID '{groupId}'.",
                    fix: "Check the Group ID in UEM: Groups & Settings → Groups → Organisation Groups → Details."))
                : new OrganizationGroupLookup(true, group.Name, group.Uuid.ToString(), group.LocationGroupType, VerificationReport.OneLine(UemCheck.OrganizationGroup.Label(), group.IsCustomerType,
                    $"Found '{group.Name}' ({group.LocationGroupType}).", fix: group.IsCustomerType ? null : "Use the tenant's top Customer-type organisation group."));
        }
        catch (IntegrationException ex)
        {
            var line = ConnectionDiagnosis.Diagnose(UemCheck.OrganizationGroup.Label(), DiagnosisLayer.OrganizationGroup, ex);
            return new OrganizationGroupLookup(false, null, null, null, new VerificationReport([ToLine(line)]));
        }
    }

    public async Task<VerificationReport> VerifyClientCredentialsAsync(UemConnection pasted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pasted);
        var region = RegionResolver.Assess(pasted.TokenUrl, pasted.RestApiUrl, pasted.ApiRegionCode);
        var lines = new List<VerificationLine>
        {
            new("Region", true, region.HasProblems ? string.Join(" ", region.Findings) : $"Token URL {pasted.TokenUrl.Host} fits the tenant's region.", pasted.TokenUrl.ToString()),
        };
        try
        {
            var token = await tokens.GetTokenAsync(pasted, cancellationToken);
            lines.Add(new("Token exchange", true, $"The token service issued a token (valid until {token.ExpiresAt:HH:mm} UTC).", pasted.TokenUrl.Host));
        }
        catch (IntegrationException ex)
        {
            lines.Add(ToLine(ConnectionDiagnosis.Diagnose("Token exchange", DiagnosisLayer.TokenExchange, ex,
                new DiagnosisContext(pasted.ClientId, pasted.ClientSecret.WasTrimmed, region, pasted.TokenUrl))));
        }

        return new VerificationReport(lines);
    }

    public async Task<VerificationReport> VerifyApiKeyAsync(UemConnection? connection, CancellationToken cancellationToken) =>
        connection is null ? NoClient() : await RunUemAsync(connection, new UemVerifyOptions(IncludeDeviceSearch: false), cancellationToken);

    public async Task<VerificationReport> VerifyUemEndToEndAsync(UemConnection? connection, CancellationToken cancellationToken) =>
        connection is null ? NoClient() : await RunUemAsync(connection, new UemVerifyOptions(IncludeDeviceSearch: true), cancellationToken);

    public async Task<VerificationReport> VerifyIntelligenceAsync(TenantApiCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (credentials.IntelligenceConnection() is not { } connection)
        {
            return VerificationReport.OneLine("Intelligence", false, credentials.UnreadableMessage ?? "No Intelligence service account is stored for this tenant.",
                fix: "Add the service account's client ID and secret (Intelligence → Settings → Service Accounts) and an Intelligence region on the tenant page.");
        }

        var lines = (await intelligenceVerifier.VerifyAsync(connection, cancellationToken)).Select(ToLine).ToList();
        if (lines.All(l => l.Passed) && credentials.UemConnection() is { } uemConnection)
        {
            // Intelligence only works for a Customer OG that accepted the Intelligence EULA.
            var eula = await uemVerifier.VerifyAsync(uemConnection, new UemVerifyOptions(IncludeDeviceSearch: false, IncludeIntelligenceEula: true), cancellationToken);
            lines.AddRange(eula.Where(c => c.Layer == DiagnosisLayer.Intelligence || !c.Ok).Select(ToLine));
        }

        return new VerificationReport(lines);
    }

    public async Task<VerificationReport> LockTestDeviceAsync(UemConnection? connection, string serialNumber, Func<CancellationToken, Task<bool>> claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (connection is null)
        {
            return NoClient();
        }

        var lines = new List<VerificationLine>();
        var (sent, mayHaveArrived) = (false, false);
        try
        {
            var device = await FindDeviceAsync(connection, serialNumber, cancellationToken);
            if (device?.Id is null)
            {
                return NoDevice(serialNumber);
            }

            lines.Add(new("Device", true, $"Found {device.DeviceFriendlyName ?? device.SerialNumber} (id {device.Id.Value}, {device.Platform})."));
            if (!await claim(cancellationToken))
            {
                lines.Add(new("Lock command", false, "Not sent: someone else acted on this run at the same moment (another tab or user).",
                    Fix: "Reload the page and check the step before sending the command again."));
                return new VerificationReport(lines);
            }

            sent = true;
            await uem.LockDeviceAsync(connection, device.Id.Value, cancellationToken);
            lines.Add(new("Lock command", true, "UEM accepted the Lock command (202 Accepted): the role can send device commands."));
            lines.AddRange(witnesses.Select(w => w.Witness(connection, device.Id.Value, "Lock")).OfType<VerificationLine>());
        }
        catch (IntegrationException ex)
        {
            lines.Add(ToLine(ConnectionDiagnosis.Diagnose("Lock command", DiagnosisLayer.RolePermissions, ex)));
            // No reply or a server error after sending: UEM may have queued the command anyway.
            mayHaveArrived = sent && ex.Stage == IntegrationStage.Api && (ex.Kind is IntegrationFailureKind.Timeout or IntegrationFailureKind.ConnectionFailed or IntegrationFailureKind.MalformedResponse
                || ex.StatusCode is >= 500);
        }

        return new VerificationReport(lines) { CommandMayHaveArrived = mayHaveArrived };
    }

    public async Task<LockEventReading> ReadLockEventsAsync(UemConnection? connection, string serialNumber, DateTime sinceUtc, CancellationToken cancellationToken)
    {
        if (connection is null)
        {
            return new LockEventReading(NoClient().Lines[0], []);
        }

        try
        {
            var device = await FindDeviceAsync(connection, serialNumber, cancellationToken);
            if (device?.Id is null)
            {
                return new LockEventReading(NoDevice(serialNumber).Lines[0], []);
            }

            // Only the days since the step started (UEM's dayrange), and at most a few pages of it.
            var dayRange = (int)Math.Clamp(Math.Ceiling((clock.GetUtcNow().UtcDateTime - sinceUtc).TotalDays) + 1, 1, 30);
            var locks = new List<DeviceLockEvent>();
            for (var page = 0; page < EventLogPages; page++)
            {
                var log = await uem.GetDeviceEventLogAsync(connection, device.Id.Value, page, EventLogPageSize, dayRange, cancellationToken);
                var entries = log.Entries ?? [];
                locks.AddRange(entries.Where(e => DeviceLockEvent.IsLock(e.Event) && e.At is not null)
                    .Select(e => new DeviceLockEvent(e.At!.Value, e.AdminAccount ?? "", e.Event!)));
                if (entries.Count < EventLogPageSize || (page + 1) * EventLogPageSize >= (log.Total ?? 0))
                {
                    break;
                }
            }

            var name = device.DeviceFriendlyName ?? device.SerialNumber;
            return new LockEventReading(null, [.. locks.Where(l => l.AtUtc > sinceUtc).OrderBy(l => l.AtUtc)]) { DeviceName = $"{name} (id {device.Id.Value})" };
        }
        catch (IntegrationException ex)
        {
            return new LockEventReading(ToLine(ConnectionDiagnosis.Diagnose("Device event log", DiagnosisLayer.RolePermissions, ex)), []);
        }
    }

    private const int EventLogPageSize = 500;

    private const int EventLogPages = 4;

    // One lookup by serial number: paging devices/search would stop at UEM's 10,000-result cap.
    private Task<UemDevice?> FindDeviceAsync(UemConnection connection, string serialNumber, CancellationToken cancellationToken) =>
        uem.FindDeviceBySerialNumberAsync(connection, serialNumber, cancellationToken);

    private static VerificationReport NoDevice(string serialNumber) =>
        VerificationReport.OneLine("Device", false, $"No device with serial number {serialNumber} is visible to this OAuth client.",
            fix: "Check the serial number in UEM (Devices → List View), and that the client's role can read devices.");

    private async Task<VerificationReport> RunUemAsync(UemConnection connection, UemVerifyOptions options, CancellationToken cancellationToken) =>
        new([.. (await uemVerifier.VerifyAsync(connection, options, cancellationToken)).Select(ToLine)]);

    private static VerificationLine ToLine(DiagnosedCheck check)
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

    private static VerificationReport NoClient() =>
        VerificationReport.OneLine("OAuth client", false, "No OAuth client is stored for this tenant yet.", fix: "Complete step 2 (create the OAuth client in UEM and paste its Client ID and Secret).");
}
