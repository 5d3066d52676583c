namespace Portal.Features.Regions;

/// <summary>
/// Regions are the same for every user and change rarely, so one copy is shared by all circuits instead of a
/// query per form. Writes through <see cref="RegionService"/> invalidate it. (With several instances, each
/// instance's copy refreshes after <see cref="MaxAge"/>.)
/// </summary>
public sealed class RegionCache(TimeProvider clock) : IDisposable
{
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

    public void Dispose() => _refresh.Dispose();
}
