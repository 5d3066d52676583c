namespace Portal.Features.Regions;

/// <summary>
/// Regions are the same for every user and change rarely, so one copy is shared by all circuits instead of a
/// query per form. Writes through <see cref="RegionService"/> invalidate it here and, through the cluster bus, on
/// every other instance; <see cref="MaxAge"/> bounds staleness if such a message is lost.
/// </summary>
public sealed class RegionCache : IDisposable
{
    private readonly TimeProvider clock;
    private readonly Cluster.IClusterBus bus;

    public RegionCache(TimeProvider clock, Cluster.IClusterBus bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        this.clock = clock;
        this.bus = bus;
        bus.Received += message =>
        {
            if (message.Topic == Cluster.ClusterTopics.RegionsChanged)
            {
                Invalidate();
            }

            return Task.CompletedTask;
        };
    }

    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (IReadOnlyList<Region> Rows, DateTimeOffset LoadedAt)? _current;

    public async Task<IReadOnlyList<Region>> GetAsync(Func<CancellationToken, Task<List<Region>>> load, CancellationToken ct)
    {
        if (_current is { } fresh && clock.GetUtcNow() - fresh.LoadedAt < MaxAge)
        {
            return fresh.Rows;
        }

        await _refresh.WaitAsync(ct);
        try
        {
            if (_current is { } loaded && clock.GetUtcNow() - loaded.LoadedAt < MaxAge)
            {
                return loaded.Rows;
            }

            var rows = await load(ct);
            _current = (rows, clock.GetUtcNow());
            return rows;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Invalidate() => _current = null;

    /// <summary>After a region write: drop this copy and tell the other instances to drop theirs.</summary>
    public async Task InvalidateEverywhereAsync(CancellationToken ct)
    {
        Invalidate();
        await bus.PublishAsync(Cluster.ClusterTopics.RegionsChanged, "", ct);
    }

    public void Dispose() => _refresh.Dispose();
}
