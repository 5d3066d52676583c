using System.Globalization;
using Microsoft.Extensions.Options;
using Portal.Features.Setup.Pipeline;

namespace Portal.Features.Setup.Steps.Automation;

/// <summary>Watch the test device's event log for up to <paramref name="Wait"/> (zero: read it once).</summary>
public sealed record WatchAutomationInput(string SerialNumber, TimeSpan Wait);

/// <summary>
/// Step 6 verified from UEM: reads the test device's event log until a Lock later than the step's start arrives from
/// the authorised OAuth client (or the tenant's Intelligence account), then completes the step with who sent it and
/// when. The portal's own Lock (an optional permission check, sent with the same client) is not counted: one matching
/// event is set aside for it. Without such an event the step stays open.
/// </summary>
public sealed class AutomationLockHandler(ISetupVerifier verifier, TimeProvider clock, IOptions<AutomationWatchOptions> options) : SetupStepHandler<WatchAutomationInput>
{
    public override string? Validate(SetupStep step, WatchAutomationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (step != SetupStep.ProveAutomation)
        {
            return "Only the automation step is verified from the device's event log.";
        }

        return LockDeviceHandler.IsSerialNumber(input.SerialNumber)
            ? null
            : "Test device serial number: enter the serial number of the device the automation locks, as shown in UEM.";
    }

    public override async Task<StepDecision> HandleAsync(StepContext context, WatchAutomationInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var serial = input.SerialNumber.Trim();
        var since = context.Run.StepStartedUtc(context.Step);
        string[] senders = [.. new[] { context.Tenant.OAuthClientId, context.Tenant.IntelligenceClientId }.OfType<string>().Where(s => s.Length > 0)];
        var portalLock = LockDeviceHandler.PortalLockOf(context.Run[SetupStep.ProveAutomation]);
        var connection = (await context.UseSecretsAsync("watch the test device's event log", ct)).UemConnection();
        var wait = TimeSpan.FromSeconds(Math.Min(Math.Max(input.Wait.TotalSeconds, 0), options.Value.MaxWaitSeconds));
        var deadline = clock.GetUtcNow() + wait;
        try
        {
            while (true)
            {
                var reading = await verifier.ReadLockEventsAsync(connection, serial, since, ct);
                var verdict = Judge(reading, senders, portalLock, since);
                if (verdict.Passed || reading.Failure is not null || clock.GetUtcNow() >= deadline)
                {
                    return await DecideAsync(context, serial, verdict, ct);
                }

                await Task.Delay(TimeSpan.FromSeconds(options.Value.PollIntervalSeconds), clock, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return StepDecision.Refuse("Stopped watching: no Lock from the automation was seen. Run the automation, then watch again.");
        }
    }

    private static async Task<StepDecision> DecideAsync(StepContext context, string serial, VerificationReport verdict, CancellationToken ct)
    {
        await context.AuditVerifiedAsync(verdict, new()
        {
            ["step"] = context.Step.ToString(), ["check"] = "automation Lock in the device event log", ["serialNumber"] = serial,
            ["result"] = string.Join("; ", verdict.Lines.Select(l => l.Summary)),
        }, ct);
        return verdict.Passed
            ? StepDecision.Complete(new { automationLockSerial = serial, verification = verdict.Lines }, verdict, serial)
            : StepDecision.Refuse(verdict.FirstFailure?.Fix ?? "No Lock from the automation yet.", verdict);
    }

    /// <summary>The newest Lock from an accepted sender wins, once the portal's own Lock has been set aside.</summary>
    internal static VerificationReport Judge(LockEventReading reading, IReadOnlyList<string> senders, DateTime? portalLockUtc, DateTime since)
    {
        if (reading.Failure is { } failure)
        {
            return new VerificationReport([failure]);
        }

        var lines = new List<VerificationLine> { new("Device", true, $"Reading the event log of {reading.DeviceName}.") };
        var fromSenders = reading.Locks.Where(l => senders.Contains(l.AdminAccount, StringComparer.OrdinalIgnoreCase)).ToList();
        if (portalLockUtc is { } sent && fromSenders.Count > 0)
        {
            var portals = fromSenders.MinBy(l => Math.Abs((l.AtUtc - sent).TotalMilliseconds))!;
            fromSenders.Remove(portals);
            lines.Add(new("Portal's own Lock", true, $"The Lock the portal sent at {Time(portals.AtUtc)} UTC is not counted: it proves the portal's path, not Intelligence's."));
        }

        if (fromSenders.LastOrDefault() is { } found)
        {
            lines.Add(new("Automation Lock", true, $"'{found.Event}' at {Time(found.AtUtc)} UTC, sent by {found.AdminAccount}: the account Intelligence was authorised with."));
            return new VerificationReport(lines);
        }

        var others = reading.Locks.Where(l => !senders.Contains(l.AdminAccount, StringComparer.OrdinalIgnoreCase)).ToList();
        var seen = others.Count == 0 ? "" : " Seen instead: " + string.Join(", ", others.Select(o => $"a Lock at {Time(o.AtUtc)} UTC from '{o.AdminAccount}'")) + ", which is neither the OAuth client nor the Intelligence account.";
        lines.Add(new("Automation Lock", false, $"No Lock from the automation since the step started ({Time(since)} UTC).{seen}",
            Fix: "In Intelligence, enable the workflow and run it once by hand, then watch again. If it ran in the console but nothing shows here, mark the step as already done with a reason."));
        return new VerificationReport(lines);
    }

    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
