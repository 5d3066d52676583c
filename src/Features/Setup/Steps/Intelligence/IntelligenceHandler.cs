using Portal.Features.Setup.Pipeline;

namespace Portal.Features.Setup.Steps.Intelligence;

public sealed record IntelligenceInput(bool AuthorisedConfirmed);

/// <summary>Step 5 (and rotation step 3): the user confirms Intelligence shows "Authorised"; API access is verified when a service account is stored.</summary>
public sealed class IntelligenceHandler(ISetupVerifier verifier) : SetupStepHandler<IntelligenceInput>
{
    public override string? Validate(SetupStep step, IntelligenceInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.AuthorisedConfirmed ? null : "Confirm that Intelligence shows the integration as Authorised (green tick).";
    }

    public override async Task<StepDecision> HandleAsync(StepContext context, IntelligenceInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        VerificationReport? report = null;
        if (context.Tenancy.HasIntelligenceAccount)
        {
            report = await verifier.VerifyIntelligenceAsync(await context.UseSecretsAsync("verify Intelligence access", ct), ct);
            await context.AuditVerifiedAsync(report, new()
            {
                ["step"] = context.Step.ToString(), ["check"] = "Intelligence API and opt-in", ["result"] = report.FirstFailure?.Summary ?? "ok",
            }, ct);
            if (!report.Passed)
            {
                return StepDecision.Refuse(report.FirstFailure?.Fix ?? "Intelligence could not be verified.", report);
            }
        }

        return StepDecision.Complete(new { confirmedAuthorised = true, intelligenceVerified = report is not null }, report, context.Tenant.OAuthClientId ?? "", "authorised");
    }
}
