namespace Portal.Features.Audit;

/// <summary>
/// Where every mutating action (and every refused one) is recorded. The log-based implementation is temporary:
/// the audit-trail issue replaces it with a hash-chained store by registering its own <see cref="IAuditSink"/>.
/// </summary>
public interface IAuditSink
{
    Task WriteAsync(AuditEvent e, CancellationToken ct);
}

/// <summary>
/// One audited action: <c>Action</c> is a dotted verb (<c>tenant.update</c>, <c>region.create</c>, <c>tenant.read</c>),
/// <c>Outcome</c> one of <see cref="AuditOutcomes"/>. <c>Details</c> never holds secrets, only names, ids and fingerprints.
/// </summary>
public sealed record AuditEvent(string Action, string Outcome, int? TenantId, IReadOnlyDictionary<string, string?> Details);

public static class AuditOutcomes
{
    public const string Success = "success";
    public const string Denied = "denied";
    public const string Failed = "failed";
    public const string Conflict = "conflict";
}

/// <summary>Temporary sink: one structured log line per event, so nothing is lost before the real trail exists.</summary>
public sealed class LogAuditSink(ILogger<LogAuditSink> logger) : IAuditSink
{
    public Task WriteAsync(AuditEvent e, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(e);
        logger.LogInformation("Audit {AuditAction} {AuditOutcome} tenant {TenantId} {@AuditDetails}", e.Action, e.Outcome, e.TenantId, e.Details);
        return Task.CompletedTask;
    }
}
