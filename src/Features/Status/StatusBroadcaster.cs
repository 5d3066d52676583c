namespace Portal.Features.Status;

/// <summary>
/// In-process fan-out of "these tenants' stored status changed". Open boards re-query the database on a
/// notification; no viewer ever triggers an upstream call. Subscribers must unsubscribe on dispose.
/// </summary>
public sealed class StatusBroadcaster
{
    public event Func<IReadOnlyCollection<int>, Task>? Updated;

    public async Task PublishAsync(IReadOnlyCollection<int> tenantIds)
    {
        var handlers = Updated;
        if (handlers is null || tenantIds.Count == 0)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Func<IReadOnlyCollection<int>, Task>>())
        {
            try
            {
                await handler(tenantIds);
            }
            catch (ObjectDisposedException)
            {
                // a circuit went away between the event and the render: nothing to update
            }
        }
    }
}
