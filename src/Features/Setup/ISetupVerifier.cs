using Portal.Features.Tenants;
using Portal.Integrations.Uem;

namespace Portal.Features.Setup;

/// <summary>
/// What the wizard verifies over the real APIs. Every method returns a layered report instead of throwing:
/// a remote failure is a diagnosis with a fix, never a crashed page.
/// </summary>
public interface ISetupVerifier
{
    /// <summary>Step 1: find the organisation group by its Group ID (must be Customer type); not verifiable without a stored client.</summary>
    Task<OrganizationGroupLookup> LookupOrganizationGroupAsync(UemConnection? connection, string groupId, CancellationToken cancellationToken);

    /// <summary>Step 2: exchange pasted credentials for a token against the tenant's token URL, before anything is stored.</summary>
    Task<VerificationReport> VerifyClientCredentialsAsync(UemConnection pasted, CancellationToken cancellationToken);

    /// <summary>Step 3: an authenticated call with the pasted key, and the api-keys listing where permitted.</summary>
    Task<VerificationReport> VerifyApiKeyAsync(UemConnection? connection, CancellationToken cancellationToken);

    /// <summary>Step 4: token → system/info → OG lookup → device search, one line per layer.</summary>
    Task<VerificationReport> VerifyUemEndToEndAsync(UemConnection? connection, CancellationToken cancellationToken);

    /// <summary>Step 5: Intelligence API access for the tenant's region and the OG's Intelligence opt-in.</summary>
    Task<VerificationReport> VerifyIntelligenceAsync(TenantApiCredentials credentials, CancellationToken cancellationToken);

    /// <summary>
    /// Step 6: lock the test device with the given serial number (the user typed it to confirm). <paramref name="claim"/>
    /// runs after the device is found and right before the command is sent; when it returns false nothing is sent.
    /// </summary>
    Task<VerificationReport> LockTestDeviceAsync(UemConnection? connection, string serialNumber, Func<CancellationToken, Task<bool>> claim, CancellationToken cancellationToken);

    /// <summary>Step 6: the Lock events in the test device's UEM event log later than <paramref name="sinceUtc"/>, oldest first.</summary>
    Task<LockEventReading> ReadLockEventsAsync(UemConnection? connection, string serialNumber, DateTime sinceUtc, CancellationToken cancellationToken);
}

/// <summary>A Lock in a device's event log: when, and the account UEM recorded as its sender.</summary>
public sealed record DeviceLockEvent(DateTime AtUtc, string AdminAccount, string Event)
{
    /// <summary>
    /// UEM does not document the event names of device commands: a Lock is any event whose name has the word "Lock" or
    /// "Locked" in it ("Lock Device Requested", "Device Locked"), so "Unlock" or "Clock" are not.
    /// </summary>
    public static bool IsLock(string? eventName) =>
        eventName is not null && System.Text.RegularExpressions.Regex.IsMatch(eventName, @"\bLock(ed)?\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
}

/// <summary>What the event log showed: a failure line (device not found, no access) or the Lock events since the step started.</summary>
public sealed record LockEventReading(VerificationLine? Failure, IReadOnlyList<DeviceLockEvent> Locks)
{
    public string? DeviceName { get; init; }
}

/// <summary>
/// Optional extra evidence after a device command (the demo's simulator confirms it recorded the command). None is
/// registered outside demo mode.
/// </summary>
public interface IDeviceCommandWitness
{
    VerificationLine? Witness(UemConnection connection, long deviceId, string command);
}

/// <summary>One layer of a verification, shown as a line with a tick or a cross and its evidence.</summary>
public sealed record VerificationLine(string Layer, bool Passed, string Summary, string? Evidence = null, string? Fix = null);

public sealed record VerificationReport(IReadOnlyList<VerificationLine> Lines)
{
    /// <summary>A command was sent and its outcome is unknown (no reply, a server error): it may have been carried out.</summary>
    public bool CommandMayHaveArrived { get; init; }

    public bool Passed => Lines.Count > 0 && Lines.All(l => l.Passed);

    public VerificationLine? FirstFailure => Lines.FirstOrDefault(l => !l.Passed);

    /// <summary>The report a completed step stored in its evidence (<c>verification</c>), so a finished step still shows what was verified.</summary>
    public static VerificationReport? FromEvidence(string? evidenceJson)
    {
        if (string.IsNullOrEmpty(evidenceJson))
        {
            return null;
        }

        using var document = System.Text.Json.JsonDocument.Parse(evidenceJson);
        return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
            && document.RootElement.TryGetProperty("verification", out var lines) && lines.ValueKind == System.Text.Json.JsonValueKind.Array
            ? new VerificationReport(System.Text.Json.JsonSerializer.Deserialize<List<VerificationLine>>(lines) ?? [])
            : null;
    }

    public static VerificationReport OneLine(string layer, bool passed, string summary, string? evidence = null, string? fix = null) =>
        new([new VerificationLine(layer, passed, summary, evidence, fix)]);
}

public sealed record OrganizationGroupLookup(bool Found, string? Name, string? Uuid, string? Type, VerificationReport Report)
{
    /// <summary>False when no OAuth client is stored yet: the group is then checked in "Verify UEM end to end".</summary>
    public bool Verifiable { get; init; } = true;

    public bool IsCustomerType => string.Equals(Type, "Customer", StringComparison.OrdinalIgnoreCase);
}
