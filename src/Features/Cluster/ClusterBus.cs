namespace Portal.Features.Cluster;

/// <summary>
/// Tells the other instances that something they cache or show changed (a tenant's status, the region list). Each
/// instance still notifies its own subscribers directly; <see cref="Received"/> carries only other instances' messages.
/// </summary>
public interface IClusterBus
{
    /// <summary>Raised for each message another instance published.</summary>
    event Func<ClusterMessage, Task>? Received;

    Task PublishAsync(string topic, string payload, CancellationToken cancellationToken = default);
}

public sealed record ClusterMessage(string Topic, string Payload, string FromInstance);

/// <summary>One instance (SQLite): nobody else to tell.</summary>
public sealed class SingleInstanceBus : IClusterBus
{
    public event Func<ClusterMessage, Task>? Received
    {
        add { }
        remove { }
    }

    public Task PublishAsync(string topic, string payload, CancellationToken cancellationToken = default) => Task.CompletedTask;
}

/// <summary>Well-known topics.</summary>
public static class ClusterTopics
{
    /// <summary>Payload: comma-separated tenant ids whose stored status changed.</summary>
    public const string StatusChanged = "status";

    /// <summary>Payload ignored: the region list changed.</summary>
    public const string RegionsChanged = "regions";
}
