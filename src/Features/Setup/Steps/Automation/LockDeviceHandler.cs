using System.Globalization;
using System.Text.Json;
using Portal.Features.Audit;
using Portal.Features.Setup.Pipeline;

namespace Portal.Features.Setup.Steps.Automation;

public sealed record LockDeviceInput(string SerialNumber, string Confirmation);

/// <summary>
/// Step 6, optional: the portal locks the test device itself, to check the client's role can send device commands; the
/// user types the serial number twice (confirmation). It does not complete the step (that takes the automation's Lock,
/// see <see cref="AutomationLockHandler"/>), and it is remembered on the run so that its event is not taken for the
/// automation's. The claim is saved (version-checked) before the command goes out, so two tabs, a double click or a
/// retry after a lost reply never lock the device twice.
/// </summary>
public sealed class LockDeviceHandler(ISetupVerifier verifier) : SetupStepHandler<LockDeviceInput>
{
    public override string? Validate(SetupStep step, LockDeviceInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return IsSerialNumber(input.SerialNumber)
            ? null
            : "Serial number: enter the test device's serial number as shown in UEM.";
    }

    /// <summary>What a device serial number typed into the automation step may be (both its forms use this rule).</summary>
    internal static bool IsSerialNumber(string text)
    {
        var serial = text.Trim();
        return serial.Length is > 0 and <= 64 && !serial.Any(char.IsControl);
    }

    public override async Task<StepDecision> HandleAsync(StepContext context, LockDeviceInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var serial = input.SerialNumber.Trim();
        if (!string.Equals(serial, input.Confirmation.Trim(), StringComparison.Ordinal))
        {
            // Audited: a mismatch is how a wrong device would have been locked.
            await context.AuditAsync(SetupActions.LockCommand, AuditOutcome.Denied, new() { ["serialNumber"] = serial, ["reason"] = "confirmation does not match" }, ct);
            return StepDecision.Refuse("Confirmation: type the same serial number again to confirm the lock command.");
        }

        var record = context.Run[SetupStep.ProveAutomation];
        if (record.IsDone)
        {
            // Its evidence is the automation's Lock now; a permission check belongs to an open step.
            return StepDecision.Refuse("This step is already done: the automation's Lock was seen. The portal's own Lock is only a check while the step is open.");
        }

        if (LockClaim.Read(record) is { } earlier)
        {
            var when = $"{earlier.Serial} by {earlier.By} at {earlier.Utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC";
            await context.AuditAsync(SetupActions.LockCommand, AuditOutcome.Denied, new() { ["serialNumber"] = serial, ["reason"] = earlier.Accepted ? "already sent and accepted" : "already sent, outcome unknown" }, ct);
            return StepDecision.Refuse(earlier.Accepted
                ? $"The portal's Lock command was already sent to {when}, and UEM accepted it: the role can send device commands. It is sent once per run."
                : $"A Lock command was already sent to {when} and its reply did not arrive. " +
                  "The portal does not send it again: check in the UEM console (Devices → the device → Troubleshooting → Commands) that it arrived.");
        }

        var credentials = await context.UseSecretsAsync("wizard verification", ct);
        var previousEvidence = record.EvidenceJson;
        var claimed = false;
        var report = await verifier.LockTestDeviceAsync(credentials.UemConnection(), serial, async token =>
        {
            record.EvidenceJson = LockClaim.Write(serial, context.Actor, context.Now);
            return claimed = await context.ClaimAsync(token);
        }, ct);
        await context.AuditAsync(SetupActions.LockCommand, report.Passed ? AuditOutcome.Success : AuditOutcome.Failure,
            new() { ["serialNumber"] = serial, ["result"] = string.Join("; ", report.Lines.Select(l => l.Summary)), ["outcomeUnknown"] = report.CommandMayHaveArrived ? "true" : null }, ct);
        if (report.Passed)
        {
            // Remembered as accepted: the step stays open until the automation's own Lock shows in the event log.
            record.EvidenceJson = LockClaim.Write(serial, context.Actor, context.Now, accepted: true);
            return StepDecision.KeepOpen(report);
        }

        var refusal = StepDecision.Refuse(report.FirstFailure?.Fix ?? "The lock command was not accepted.", report);
        if (!claimed || report.CommandMayHaveArrived)
        {
            return refusal; // not ours to release, or the claim stays saved so that nothing is sent again
        }

        // UEM answered with a refusal: the command was not carried out, so the claim is released for another try.
        record.EvidenceJson = previousEvidence;
        return refusal with { SavesRunOnRefusal = true };
    }

    /// <summary>When the portal sent its own Lock in this (open) step, or null: the automation watch sets that event aside.</summary>
    public static DateTime? PortalLockOf(SetupStepRecord record) => LockClaim.Read(record)?.Utc;

    /// <summary>The portal's own Lock, kept in the open step's evidence until it completes: sent (reply pending) or accepted.</summary>
    private sealed record LockClaim(string Serial, string By, DateTime Utc, bool Accepted = false)
    {
        private const string Property = "lockClaim";

        public static string Write(string serial, string by, DateTime utc, bool accepted = false) =>
            JsonSerializer.Serialize(new Dictionary<string, LockClaim> { [Property] = new(serial, by, utc, accepted) });

        public static LockClaim? Read(SetupStepRecord record)
        {
            if (record.State == StepState.Completed || string.IsNullOrEmpty(record.EvidenceJson))
            {
                return null;
            }

            using var evidence = JsonDocument.Parse(record.EvidenceJson);
            return evidence.RootElement.ValueKind == JsonValueKind.Object && evidence.RootElement.TryGetProperty(Property, out var claim)
                ? claim.Deserialize<LockClaim>()
                : null;
        }
    }
}
