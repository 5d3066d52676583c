using Portal.Features.Tenants;

namespace Portal.Features.Setup;

/// <summary>What the wizard page shows: the tenant's connection values (never a secret) and the run.</summary>
public sealed record SetupSnapshot(
    int TenantId,
    string TenantName,
    string? CustomerReference,
    string UemConsoleUrl,
    string UemApiUrl,
    string UemTokenUrl,
    string? OrganizationGroupId,
    string? OrganizationGroupName,
    string? OAuthClientId,
    string? IntelligenceRegion,
    bool HasIntelligenceCredentials,
    IReadOnlyList<SecretStatus> Secrets,
    SetupRun? Run,
    bool CanRun)
{
    /// <summary>The tenant is on the Simulated region: the simulator console stands in for the UEM console.</summary>
    public bool IsSimulated { get; init; }

    public SecretStatus? Secret(TenantSecretKind kind) => Secrets.FirstOrDefault(s => s.Kind == kind);

    /// <summary>Built from what an action already read: the tenant row, its credentials (secret states) and the run.</summary>
    public static SetupSnapshot Of(Tenant tenant, TenantApiCredentials credentials, SetupRun? run, bool canRun)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(credentials);
        return new SetupSnapshot(
            tenant.Id, tenant.DisplayName, tenant.CustomerReference, tenant.UemConsoleUrl, tenant.UemApiUrl, credentials.UemTokenUrl,
            tenant.OrganizationGroupId, tenant.OrganizationGroupName, tenant.OAuthClientId, credentials.IntelligenceRegionCode,
            credentials.HasIntelligenceAccount, credentials.Statuses, run, canRun)
        {
            IsSimulated = credentials.UemRegionKind == Regions.RegionKind.Simulated,
        };
    }
}

/// <summary>The result of a wizard action: success or a message, the verification report if any, and the fresh state.</summary>
public sealed record StepOutcome(bool Succeeded, string? Error, VerificationReport? Report, SetupSnapshot? Snapshot, IReadOnlyList<SetupStep>? Invalidated = null)
{
    public static StepOutcome Failed(string error, SetupSnapshot? snapshot = null, VerificationReport? report = null) => new(false, error, report, snapshot);
}

/// <summary>The one-time re-reveal of the client secret for pasting into Intelligence.</summary>
public sealed record SecretReveal(bool Succeeded, string? Error, string? Secret);

public static class SetupActions
{
    public const string RunStarted = "wizard.run.started";
    public const string StepCompleted = "wizard.step.completed";
    public const string StepSkipped = "wizard.step.skipped";
    public const string StepVerified = "wizard.step.verified";
    public const string SecretRevealed = "wizard.secret.revealed";
    public const string LockCommand = "wizard.lock-command";
    public const string RunFinished = "wizard.run.finished";
}
