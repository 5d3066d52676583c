using Portal.Features.Setup.Pipeline;

namespace Portal.Features.Setup.Steps.Intelligence;

public sealed record IntelligenceRecheckInput;

/// <summary>
/// Step 5 (and rotation step 3), "Intelligence says it cannot authorise": re-checks the UEM side at once with the
/// stored client (token exchange at the stored token URL, which also fails for a disabled client; then the calls its
/// role must allow). The step stays open either way: only the user can see Intelligence's status.
/// </summary>
public sealed class IntelligenceRecheckHandler(ISetupVerifier verifier) : SetupStepHandler<IntelligenceRecheckInput>
{
    public override string? Validate(SetupStep step, IntelligenceRecheckInput input) =>
        step is SetupStep.AuthoriseIntelligence or SetupStep.SwitchIntelligence ? null : "This check belongs to the Intelligence step.";

    public override async Task<StepDecision> HandleAsync(StepContext context, IntelligenceRecheckInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var credentials = await context.UseSecretsAsync("re-check UEM for Intelligence", ct);
        var report = await verifier.VerifyUemEndToEndAsync(credentials.UemConnection(), ct);
        await context.AuditVerifiedAsync(report, new()
        {
            ["step"] = context.Step.ToString(), ["check"] = "UEM side re-checked for Intelligence", ["result"] = report.FirstFailure?.Summary ?? "ok",
        }, ct);
        return report.Passed
            ? StepDecision.Inform(report)
            : StepDecision.Refuse(report.FirstFailure?.Fix ?? "The UEM side failed its re-check.", report);
    }
}
