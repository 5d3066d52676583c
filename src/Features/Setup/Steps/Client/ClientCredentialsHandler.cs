using Portal.Features.Setup.Pipeline;
using Portal.Features.Tenants;
using Portal.Integrations;

namespace Portal.Features.Setup.Steps.Client;

public sealed record ClientCredentialsInput(string ClientId, string ClientSecret);

/// <summary>Step 2 (and rotation step 1): exchange the pasted credentials for a token first; store them only if that works.</summary>
public sealed class ClientCredentialsHandler(ISetupVerifier verifier, TenantService tenants, SecretFingerprints fingerprints) : SetupStepHandler<ClientCredentialsInput>
{
    public override string? Validate(SetupStep step, ClientCredentialsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (step is not (SetupStep.CreateOAuthClient or SetupStep.CreateReplacementClient))
        {
            return "Unknown step.";
        }

        var clientId = input.ClientId.Trim();
        if (string.IsNullOrWhiteSpace(clientId) || clientId.Length > 200 || clientId.Any(char.IsWhiteSpace))
        {
            return "Client ID: paste the Client ID shown by UEM after saving the OAuth client (no spaces).";
        }

        var secret = SecretRules.Check("Client secret", input.ClientSecret);
        return secret.Error is not null || secret.Value is null
            ? secret.Error ?? "Client secret: paste the secret UEM showed once after saving the client."
            : null;
    }

    public override async Task<StepDecision> HandleAsync(StepContext context, ClientCredentialsInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var clientId = input.ClientId.Trim();
        var secret = SecretString.Create(SecretRules.Check("Client secret", input.ClientSecret).Value!);
        var secretFingerprint = fingerprints.Of(secret);
        var report = await verifier.VerifyClientCredentialsAsync(context.Tenancy.PastedUemConnection(clientId, secret), ct);
        await context.AuditVerifiedAsync(report, new()
        {
            ["step"] = context.Step.ToString(), ["check"] = "token exchange", ["clientId"] = clientId,
            ["secretFingerprint"] = secretFingerprint, ["result"] = report.FirstFailure?.Summary ?? "token issued",
        }, ct);
        if (!report.Passed)
        {
            return StepDecision.Refuse(report.FirstFailure?.Fix ?? "The token service refused these credentials.", report);
        }

        var saved = await tenants.ChangeAsync(context.Tenant.Id, m =>
        {
            m.OAuthClientId = clientId;
            m.NewUemClientSecret = secret.Reveal();
        }, ct);
        if (saved is not null)
        {
            return StepDecision.Refuse(saved, report);
        }

        var evidence = new { clientId, secretFingerprint, previousClientId = context.Tenant.OAuthClientId, verification = report.Lines };
        return StepDecision.Complete(evidence, report, clientId, secretFingerprint) with { TenantChanged = true };
    }
}
