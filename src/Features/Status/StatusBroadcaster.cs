using System.Globalization;
using Portal.Features.Cluster;

namespace Portal.Features.Status;

/// <summary>
/// Fan-out of "these tenants' stored status changed" to every open board: this instance's directly, other instances'
/// through the cluster bus. Open boards re-query the database on a notification; no viewer ever triggers an upstream
/// call. Subscribers must unsubscribe on dispose.
/// </summary>
public sealed class StatusBroadcaster
{
    // ~7,000 bytes of ids per cluster message (a NOTIFY payload is capped at 8,000).
    private const int IdsPerClusterMessage = 800;

    private readonly IClusterBus _bus;

    public StatusBroadcaster(IClusterBus bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        _bus = bus;
        _bus.Received += OnClusterMessageAsync;
    }

    public event Func<IReadOnlyCollection<int>, Task>? Updated;

    /// <summary>Tells this instance's boards and the other instances; never waits for a board to redraw.</summary>
    public async Task PublishAsync(IReadOnlyCollection<int> tenantIds)
    {
        ArgumentNullException.ThrowIfNull(tenantIds);
        if (tenantIds.Count == 0)
        {
            return;
        }

        PublishLocally(tenantIds);
        foreach (var chunk in tenantIds.Chunk(IdsPerClusterMessage))
        {
            await _bus.PublishAsync(ClusterTopics.StatusChanged, string.Join(',', chunk.Select(id => id.ToString(CultureInfo.InvariantCulture))));
        }
    }

    private Task OnClusterMessageAsync(ClusterMessage message)
    {
        if (message.Topic == ClusterTopics.StatusChanged)
        {
            var ids = message.Payload.Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
                .Where(id => id > 0).ToList();
            if (ids.Count > 0)
            {
                PublishLocally(ids);
            }
        }

        return Task.CompletedTask;
    }

    private void PublishLocally(IReadOnlyCollection<int> tenantIds)
    {
        var handlers = Updated;
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Func<IReadOnlyCollection<int>, Task>>())
        {
            _ = InvokeSafelyAsync(handler, tenantIds);
        }
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
