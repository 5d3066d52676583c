namespace Portal.Features.Setup;

/// <summary>The runbook actions the step components call (implemented by <see cref="SetupService"/>).</summary>
public interface ISetupWorkflow
{
    Task<SetupSnapshot?> LoadAsync(int tenantId, CancellationToken ct = default);

    Task<StepOutcome> StartAsync(int tenantId, SetupRunKind kind, CancellationToken ct = default);

    Task<OrganizationGroupLookup> LookupOrganizationGroupAsync(int tenantId, string groupId, CancellationToken ct = default);

    /// <summary>Any step whose handler is registered for <typeparamref name="TInput"/> (see <c>SetupFeature.AddSetupStep</c>).</summary>
    Task<StepOutcome> RunStepAsync<TInput>(Guid runId, Guid version, SetupStep step, TInput input, CancellationToken ct = default)
        where TInput : notnull;

    Task<StepOutcome> ConfirmPlanAsync(Guid runId, Guid version, string groupId, string roleName, CancellationToken ct = default);

    Task<StepOutcome> SubmitClientCredentialsAsync(Guid runId, Guid version, SetupStep step, string clientId, string clientSecret, CancellationToken ct = default);

    Task<StepOutcome> SubmitApiKeyAsync(Guid runId, Guid version, string apiKey, CancellationToken ct = default);

    Task<StepOutcome> VerifyAsync(Guid runId, Guid version, SetupStep step, CancellationToken ct = default);

    Task<StepOutcome> ConfirmIntelligenceAsync(Guid runId, Guid version, SetupStep step, bool authorisedConfirmed, CancellationToken ct = default);

    Task<StepOutcome> LockTestDeviceAsync(Guid runId, Guid version, string serialNumber, string confirmation, CancellationToken ct = default);

    /// <summary>Step 6: waits up to <paramref name="wait"/> for the automation's Lock in the test device's event log; cancel to stop.</summary>
    Task<StepOutcome> WatchAutomationAsync(Guid runId, Guid version, string serialNumber, TimeSpan wait, CancellationToken ct = default);

    /// <summary>Step 5 "Intelligence says it cannot authorise": re-checks the UEM side (token, client, role) at once.</summary>
    Task<StepOutcome> RecheckForIntelligenceAsync(Guid runId, Guid version, SetupStep step, CancellationToken ct = default);

    Task<StepOutcome> ConfirmAsync(Guid runId, Guid version, SetupStep step, string? note, CancellationToken ct = default);

    Task<StepOutcome> SkipAsync(Guid runId, Guid version, SetupStep step, string reason, CancellationToken ct = default);

    Task<SecretReveal> RevealSecretAsync(Guid runId, Guid version, CancellationToken ct = default);
}
