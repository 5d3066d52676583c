using Portal.Features.Setup.Pipeline;
using Portal.Features.Tenants;
using Portal.Integrations;

namespace Portal.Features.Setup.Steps.ApiKey;

public sealed record ApiKeyInput(string ApiKey);

/// <summary>Step 3: verify the pasted REST API key with the stored client, then store it.</summary>
public sealed class ApiKeyHandler(ISetupVerifier verifier, TenantService tenants, SecretFingerprints fingerprints) : SetupStepHandler<ApiKeyInput>
{
    private const string Field = "REST API key";

    public override string? Validate(SetupStep step, ApiKeyInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var check = SecretRules.Check(Field, input.ApiKey);
        return check.Error is not null || check.Value is null
            ? check.Error ?? "REST API key: paste the key from Groups & Settings → All Settings → System → Advanced → API → REST API."
            : null;
    }

    public override async Task<StepDecision> HandleAsync(StepContext context, ApiKeyInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var key = SecretString.Create(SecretRules.Check(Field, input.ApiKey).Value!);
        var keyFingerprint = fingerprints.Of(key);
        var credentials = await context.UseSecretsAsync("wizard verification", ct);
        var report = await verifier.VerifyApiKeyAsync(credentials.UemConnection(apiKey: key), ct);
        await context.AuditVerifiedAsync(report, new()
        {
            ["step"] = nameof(SetupStep.RestApiKey), ["check"] = Field, ["keyFingerprint"] = keyFingerprint, ["result"] = report.FirstFailure?.Summary ?? "accepted",
        }, ct);
        if (!report.Passed)
        {
            return StepDecision.Refuse(report.FirstFailure?.Fix ?? "The API key could not be verified.", report);
        }

        var saved = await tenants.ChangeAsync(context.Tenant.Id, m => m.NewUemApiKey = key.Reveal(), ct);
        return saved is not null
            ? StepDecision.Refuse(saved, report)
            : StepDecision.Complete(new { keyFingerprint, verification = report.Lines }, report, keyFingerprint) with { TenantChanged = true };
    }
}
