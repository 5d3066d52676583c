using Portal.Features.Audit;
using Portal.Features.Setup.Pipeline;

namespace Portal.Features.Setup.Steps.Automation;

public sealed record LockDeviceInput(string SerialNumber, string Confirmation);

/// <summary>Step 6: lock the test device; the user types the serial number twice (confirmation).</summary>
public sealed class LockDeviceHandler(ISetupVerifier verifier) : SetupStepHandler<LockDeviceInput>
{
    public override string? Validate(SetupStep step, LockDeviceInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var serial = input.SerialNumber.Trim();
        if (serial.Length is 0 or > 64 || serial.Any(char.IsControl))
        {
            return "Serial number: enter the test device's serial number as shown in UEM.";
        }

        return string.Equals(serial, input.Confirmation.Trim(), StringComparison.Ordinal)
            ? null
            : "Confirmation: type the same serial number again to confirm the lock command.";
    }

    public override async Task<StepDecision> HandleAsync(StepContext context, LockDeviceInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var serial = input.SerialNumber.Trim();
        var credentials = await context.UseSecretsAsync("wizard verification", ct);
        var report = await verifier.LockTestDeviceAsync(credentials.UemConnection(), serial, ct);
        await context.AuditAsync(SetupActions.LockCommand, report.Passed ? AuditOutcome.Success : AuditOutcome.Failure,
            new() { ["serialNumber"] = serial, ["result"] = string.Join("; ", report.Lines.Select(l => l.Summary)) }, ct);
        return report.Passed
            ? StepDecision.Complete(new { lockedSerial = serial, verification = report.Lines }, report, serial)
            : StepDecision.Refuse(report.FirstFailure?.Fix ?? "The lock command was not accepted.", report);
    }
}
