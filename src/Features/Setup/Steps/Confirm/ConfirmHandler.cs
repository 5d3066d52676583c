using Portal.Features.Setup.Pipeline;

namespace Portal.Features.Setup.Steps.Confirm;

public sealed record ConfirmInput(string? Note);

/// <summary>Human-confirmed steps: old client disabled, the summaries. (The automation step is proven from UEM's event log.)</summary>
public sealed class ConfirmHandler : SetupStepHandler<ConfirmInput>
{
    public override string? Validate(SetupStep step, ConfirmInput input) =>
        step is SetupStep.DisableOldClient or SetupStep.Summary or SetupStep.RotationSummary
            ? null
            : "This step needs a verification, not a confirmation.";

    public override Task<StepDecision> HandleAsync(StepContext context, ConfirmInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Task.FromResult(StepDecision.Complete(new { confirmed = true, note = input.Note?.Trim() }, null, input.Note ?? ""));
    }
}
