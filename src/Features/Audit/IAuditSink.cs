namespace Portal.Features.Audit;

/// <summary>
/// The one way any feature records a mutating action or security-relevant event. Details must never
/// contain a secret value: record "replaced" and the new fingerprint instead.
/// </summary>
public interface IAuditSink
{
    Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default);

    /// <summary>
    /// Several events at once (a sweep's status changes): the real sink appends them in one transaction. Events must
    /// carry their <see cref="AuditEvent.TenantName"/>; it is not looked up.
    /// </summary>
    async Task WriteManyAsync(IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvents);
        foreach (var auditEvent in auditEvents)
        {
            await WriteAsync(auditEvent, cancellationToken);
        }
    }
}

/// <summary>What happened. Actor, role, source IP, time and correlation id are filled in by the audit service.</summary>
public sealed record AuditEvent(
    string Action,
    AuditOutcome Outcome,
    string? TenantId = null,
    IReadOnlyDictionary<string, string?>? Details = null)
{
    /// <summary>For features whose tenants have integer keys.</summary>
    public AuditEvent(string action, AuditOutcome outcome, int? tenantId, IReadOnlyDictionary<string, string?>? details)
        : this(action, outcome, tenantId?.ToString(System.Globalization.CultureInfo.InvariantCulture), details)
    {
    }

    public string? TenantName { get; init; }

    /// <summary>Set when the actor is not the signed-in user (sign-in attempts, background jobs).</summary>
    public string? ActorOverride { get; init; }
}

/// <summary>Action names, grouped by area, so filters and reports use stable strings.</summary>
public static class AuditActions
{
    public const string SignInSucceeded = "auth.sign-in.succeeded";
    public const string SignInFailed = "auth.sign-in.failed";
    public const string SignInLockedOut = "auth.sign-in.locked-out";
    public const string SignedOut = "auth.signed-out";
    public const string PasswordChanged = "auth.password.changed";
    public const string MfaEnrolled = "auth.mfa.enrolled";
    public const string MfaRecoveryCodeUsed = "auth.mfa.recovery-code-used";
    public const string MfaRecoveryCodesRegenerated = "auth.mfa.recovery-codes-regenerated";
    public const string UserCreated = "user.created";
    public const string UserRolesChanged = "user.roles.changed";
    public const string UserDisabled = "user.disabled";
    public const string UserEnabled = "user.enabled";
    public const string UserPasswordReset = "user.password.reset";
    public const string UserMfaReset = "user.mfa.reset";
    public const string UserLockoutCleared = "user.lockout.cleared";
    public const string AccessDenied = "security.access-denied";
    public const string AuditExported = "audit.exported";
    public const string AuditVerified = "audit.verified";
    public const string AuditPruned = "audit.pruned";
    public const string AuditPruneRefused = "audit.prune-refused";
}
