using System.Collections.Concurrent;

namespace Portal.Features.Status;

/// <summary>
/// One copy of each board row for every open board. An open page keeps its rows for as long as it is open; without this
/// every open board holds its own copy of the same row HTML (about a kilobyte per row). A page only ever gets back a view
/// equal to the one it built from its own query, so sharing shows no circuit a row it did not load. Held weakly: a row
/// no open page shows any more is collected; the index holds at most one small entry per tenant.
/// </summary>
public sealed class SharedStatusRows
{
    private readonly ConcurrentDictionary<int, WeakReference<StatusBoardRowView>> _rows = new();

    /// <summary>The shared view equal to <paramref name="built"/>, or <paramref name="built"/> itself, now shared.</summary>
    public StatusBoardRowView Share(StatusBoardRowView built)
    {
        ArgumentNullException.ThrowIfNull(built);
        var entry = _rows.GetOrAdd(built.TenantId, static (_, view) => new WeakReference<StatusBoardRowView>(view), built);
        lock (entry)
        {
            if (entry.TryGetTarget(out var shared) && StatusBoardMarkup.SameView(shared, built))
            {
                return shared;
            }

            entry.SetTarget(built);
            return built;
        }
    }
}
