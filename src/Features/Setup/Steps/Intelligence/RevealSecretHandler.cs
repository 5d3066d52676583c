using System.Text.Json;
using Portal.Features.Audit;
using Portal.Features.Setup.Pipeline;
using Portal.Features.Tenants;

namespace Portal.Features.Setup.Steps.Intelligence;

/// <summary><paramref name="Revealed"/> receives the plaintext once the run has recorded the reveal.</summary>
public sealed record RevealSecretInput(Action<string> Revealed);

/// <summary>Re-reveals the stored client secret once per run, to the user on the Intelligence step; audited.</summary>
public sealed class RevealSecretHandler(SecretFingerprints fingerprints) : SetupStepHandler<RevealSecretInput>
{
    public override bool ChecksOrder => false;

    public override string? Validate(SetupStep step, RevealSecretInput input) => null;

    public override async Task<StepDecision> HandleAsync(StepContext context, RevealSecretInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var allowed = context.Run.RevealSecret(context.Actor, context.Now);
        if (!allowed.Succeeded)
        {
            await context.AuditAsync(SetupActions.SecretRevealed, AuditOutcome.Denied, new() { ["reason"] = allowed.Error }, ct);
            return StepDecision.Refuse(allowed.Error!);
        }

        var credentials = await context.UseSecretsAsync("one-time reveal for Intelligence", ct);
        if (credentials.UemClientSecret is not { } secret)
        {
            return StepDecision.Refuse(credentials.UnreadableMessage ?? "No client secret is stored for this tenant.");
        }

        // Only the secret this run verified: not one stored since by someone else (the tenant page).
        var fingerprint = fingerprints.Of(secret);
        if (VerifiedFingerprint(context.Run[context.Run.ClientStep].EvidenceJson) != fingerprint)
        {
            const string Replaced = "The stored client secret is not the one verified in this run (it was replaced since). Paste it from where it was kept.";
            await context.AuditAsync(SetupActions.SecretRevealed, AuditOutcome.Denied, new() { ["reason"] = Replaced }, ct);
            return StepDecision.Refuse(Replaced);
        }

        return StepDecision.SaveRun(async token =>
        {
            await context.AuditAsync(SetupActions.SecretRevealed, AuditOutcome.Success,
                new() { ["secretFingerprint"] = fingerprint, ["run"] = context.Run.Id.ToString() }, token);
            input.Revealed(secret.Reveal());
        });
    }

    private static string? VerifiedFingerprint(string? evidenceJson)
    {
        if (string.IsNullOrEmpty(evidenceJson))
        {
            return null;
        }

        using var evidence = JsonDocument.Parse(evidenceJson);
        return evidence.RootElement.ValueKind == JsonValueKind.Object && evidence.RootElement.TryGetProperty("secretFingerprint", out var fingerprint)
            ? fingerprint.GetString()
            : null;
    }
}
