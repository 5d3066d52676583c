using System.Collections.Concurrent;
using Portal.Features.Audit;

namespace Portal.ComponentTests;

/// <summary>Keeps audit events in memory so component tests can assert what a page recorded.</summary>
public sealed class RecordingAuditSink : IAuditSink
{
    public ConcurrentQueue<AuditEvent> Events { get; } = new();

    public Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        Events.Enqueue(auditEvent);
        return Task.CompletedTask;
    }
}
