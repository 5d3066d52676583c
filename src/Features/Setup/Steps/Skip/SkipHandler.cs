using Portal.Features.Audit;
using Portal.Features.Setup.Pipeline;

namespace Portal.Features.Setup.Steps.Skip;

public sealed record SkipInput(string Reason);

/// <summary>"Already done in console": only the current step, only with a reason (the run checks both); audited.</summary>
public sealed class SkipHandler : SetupStepHandler<SkipInput>
{
    public override bool ChecksOrder => false;

    public override string? Validate(SetupStep step, SkipInput input) => null;

    public override Task<StepDecision> HandleAsync(StepContext context, SkipInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var result = context.Run.Skip(context.Step, context.Actor, context.Now, input.Reason);
        return Task.FromResult(!result.Succeeded
            ? StepDecision.Refuse(result.Error!)
            : StepDecision.SaveRun(token => context.AuditAsync(SetupActions.StepSkipped, AuditOutcome.Success,
                new() { ["step"] = context.Step.ToString(), ["reason"] = input.Reason.Trim() }, token)));
    }
}
