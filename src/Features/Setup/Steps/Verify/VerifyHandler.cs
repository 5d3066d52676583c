using Portal.Features.Setup.Pipeline;
using Portal.Features.Tenants;

namespace Portal.Features.Setup.Steps.Verify;

public sealed record VerifyInput;

/// <summary>Steps whose proof is a verification over the APIs: UEM end to end, and after the switch also Intelligence.</summary>
public sealed class VerifyHandler(ISetupVerifier verifier) : SetupStepHandler<VerifyInput>
{
    public override string? Validate(SetupStep step, VerifyInput input) =>
        step is SetupStep.VerifyUem or SetupStep.VerifyReplacementClient or SetupStep.VerifyAfterSwitch ? null : "This step is confirmed, not verified.";

    public override async Task<StepDecision> HandleAsync(StepContext context, VerifyInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var credentials = await context.UseSecretsAsync("wizard verification", ct);
        var report = await verifier.VerifyUemEndToEndAsync(credentials.UemConnection(), ct);
        if (context.Step == SetupStep.VerifyAfterSwitch && report.Passed && credentials.HasIntelligenceAccount)
        {
            report = new VerificationReport([.. report.Lines, .. (await verifier.VerifyIntelligenceAsync(credentials, ct)).Lines]);
        }

        await context.AuditVerifiedAsync(report, new()
        {
            ["step"] = context.Step.ToString(),
            ["lines"] = string.Join("; ", report.Lines.Select(l => $"{l.Layer}: {(l.Passed ? "ok" : "FAILED")} {l.Summary}")),
        }, ct);
        if (!report.Passed)
        {
            return StepDecision.Refuse(report.FirstFailure?.Fix ?? "Verification failed.", report);
        }

        var secretFingerprint = credentials.Statuses.FirstOrDefault(s => s.Kind == TenantSecretKind.UemClientSecret)?.Fingerprint;
        return StepDecision.Complete(new { verification = report.Lines }, report, context.Tenant.OAuthClientId ?? "", secretFingerprint ?? "");
    }
}
