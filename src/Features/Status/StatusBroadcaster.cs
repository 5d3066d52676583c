namespace Portal.Features.Status;

/// <summary>
/// In-process fan-out of "these tenants' stored status changed". Open boards re-query the database on a
/// notification; no viewer ever triggers an upstream call. Subscribers must unsubscribe on dispose.
/// </summary>
public sealed class StatusBroadcaster
{
    public event Func<IReadOnlyCollection<int>, Task>? Updated;

    /// <summary>Starts every subscriber's refresh without waiting for it, so open boards never slow a sweep down.</summary>
    public Task PublishAsync(IReadOnlyCollection<int> tenantIds)
    {
        ArgumentNullException.ThrowIfNull(tenantIds);
        var handlers = Updated;
        if (handlers is null || tenantIds.Count == 0)
        {
            return Task.CompletedTask;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Func<IReadOnlyCollection<int>, Task>>())
        {
            _ = InvokeSafelyAsync(handler, tenantIds);
        }

        return Task.CompletedTask;
    }

    private static async Task InvokeSafelyAsync(Func<IReadOnlyCollection<int>, Task> handler, IReadOnlyCollection<int> tenantIds)
    {
        try
        {
            await handler(tenantIds);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or TaskCanceledException)
        {
            // a circuit went away between the event and the render: nothing to update
        }
    }
}
