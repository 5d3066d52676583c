using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Features.Regions;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.Features.Status;

/// <summary>
/// The status board: one server page of rows at a time, re-queried on filter, page and live-update changes. The page
/// keeps only the current page's rows (as <see cref="StatusBoardRowView"/>), the filters and the selection.
/// </summary>
public partial class StatusBoardPage
{
    private const int SearchDebounceMs = 300;

    private static readonly int[] PageSizes = [25, 50, 100];

    // Option lists as one markup frame each (the select's value attribute picks the option).
    private static readonly MarkupString StatusOptions = StatusBoardMarkup.Options("All statuses", Enum.GetValues<ConnectionStatus>().Select(s => (s.ToString(), StatusRules.Describe(s))));
    private static readonly MarkupString PageSizeOptions = StatusBoardMarkup.Options(null, PageSizes.Select(p => (p.ToString(CultureInfo.InvariantCulture), p.ToString(CultureInfo.InvariantCulture))));

    private static readonly MarkupString RefreshIcon = StatusBoardMarkup.Icon(Icons.Material.Filled.Refresh);
    private static readonly MarkupString FirstIcon = StatusBoardMarkup.Icon(Icons.Material.Filled.FirstPage);
    private static readonly MarkupString PreviousIcon = StatusBoardMarkup.Icon(Icons.Material.Filled.NavigateBefore);
    private static readonly MarkupString NextIcon = StatusBoardMarkup.Icon(Icons.Material.Filled.NavigateNext);
    private static readonly MarkupString LastIcon = StatusBoardMarkup.Icon(Icons.Material.Filled.LastPage);

    private MarkupString _regionOptions;
    private MarkupString _tagOptions;
    private IReadOnlyList<StatusBoardRowView>? _rows;
    private IReadOnlyList<(ConnectionStatus Status, int Count)> _summary = [];
    private readonly HashSet<int> _selected = [];
    private int _total;
    private int _page;
    private int _pageSize = PageSizes[0];
    private int _loads;
    private string? _search;
    private int? _regionId;
    private string? _tag;
    private ConnectionStatus? _status;
    private bool _canCheck;
    private bool _checking;
    private bool _disposed;
    private CancellationTokenSource? _searchDebounce;

    [Inject]
    private StatusService Status { get; set; } = default!;

    [Inject]
    private StatusBroadcaster Broadcaster { get; set; } = default!;

    [Inject]
    private TenantService Tenants { get; set; } = default!;

    [Inject]
    private RegionService RegionService { get; set; } = default!;

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    private bool _filtered => !string.IsNullOrWhiteSpace(_search) || _regionId is not null || _tag is not null || _status is not null;

    private StatusBoardQuery CurrentQuery => new() { Search = _search, RegionId = _regionId, Tag = _tag, Status = _status };

    private int LastPage => Math.Max(0, (_total - 1) / _pageSize);

    private int ColumnCount => StatusPresentation.Layers.Count + (_canCheck ? 5 : 3);

    private string PageText => _total == 0
        ? "No tenants"
        : string.Create(CultureInfo.InvariantCulture,
            $"Page {_page + 1} of {LastPage + 1} · {(_page * _pageSize) + 1}–{Math.Min(_total, (_page + 1) * _pageSize)} of {_total} tenants");

    protected override async Task OnInitializedAsync()
    {
        (_canCheck, _) = await Status.CapabilitiesAsync();
        var regions = await RegionService.ListAsync();
        _regionOptions = StatusBoardMarkup.Options("All regions", regions.Select(r => (r.Id.ToString(CultureInfo.InvariantCulture), $"{r.Product}: {r.Label}")));
        _tagOptions = StatusBoardMarkup.Options("All tags", (await Tenants.ListTagsAsync()).Select(t => (t, t)));
        Broadcaster.Updated += OnStatusUpdatedAsync;
        await LoadAsync();
    }

    /// <summary>Queries the current page; a load that a newer one overtook is dropped.</summary>
    private async Task LoadAsync()
    {
        var load = ++_loads;
        var query = CurrentQuery;
        query.Page = _page;
        query.PageSize = _pageSize;
        var result = await Status.QueryBoardAsync(query);
        if (load != _loads || _disposed)
        {
            return;
        }

        if (result.Rows.Count == 0 && _page > 0 && result.TotalCount > 0)
        {
            _page = Math.Max(0, (result.TotalCount - 1) / _pageSize); // the page emptied under us: show the last one
            await LoadAsync();
            return;
        }

        var now = Clock.GetUtcNow().UtcDateTime;
        _rows = StatusBoardMarkup.ToViews(result.Rows, now, _rows);
        _total = result.TotalCount;
        _summary = result.Summary;
    }

    /// <summary>The sweeper stored new results: re-query the stored state (no upstream call from here).</summary>
    private Task OnStatusUpdatedAsync(IReadOnlyCollection<int> tenantIds) => InvokeAsync(async () =>
    {
        if (_disposed)
        {
            return;
        }

        await LoadAsync();
        StateHasChanged();
    });

    private Task CheckPageAsync() => CheckAsync((_rows ?? []).Select(r => r.TenantId).ToList());

    /// <summary>Selection is kept by tenant id, so it survives live reloads and paging.</summary>
    private void ToggleSelected(int tenantId, ChangeEventArgs e)
    {
        var selected = e.Value is bool b ? b : bool.TryParse(e.Value?.ToString(), out var parsed) && parsed;
        if (selected)
        {
            _selected.Add(tenantId);
        }
        else
        {
            _selected.Remove(tenantId);
        }
    }

    private async Task CheckSelectedAsync()
    {
        await CheckAsync(_selected.ToList());
        _selected.Clear();
    }

    private async Task CheckAsync(IReadOnlyCollection<int> tenantIds)
    {
        _checking = true;
        try
        {
            var result = await Status.CheckNowAsync(tenantIds);
            Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : Severity.Warning);
        }
        catch (PortalAccessDeniedException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _checking = false;
        }
    }

    /// <summary>Reloads once typing pauses; each keystroke cancels the previous wait.</summary>
    private async Task OnSearchInput(ChangeEventArgs e)
    {
        _search = e.Value as string;
        if (_searchDebounce is not null)
        {
            await _searchDebounce.CancelAsync();
            _searchDebounce.Dispose();
        }

        var debounce = _searchDebounce = new CancellationTokenSource();
        try
        {
            await Task.Delay(SearchDebounceMs, debounce.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (_disposed)
        {
            return;
        }

        await ReloadFromFirstPageAsync();
    }

    private Task OnRegionChanged(ChangeEventArgs e)
    {
        _regionId = int.TryParse(e.Value as string, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : null;
        return ReloadFromFirstPageAsync();
    }

    private Task OnTagChanged(ChangeEventArgs e)
    {
        _tag = string.IsNullOrEmpty(e.Value as string) ? null : (string)e.Value!;
        return ReloadFromFirstPageAsync();
    }

    private Task OnStatusSelected(ChangeEventArgs e) =>
        OnStatusChanged(Enum.TryParse<ConnectionStatus>(e.Value as string, out var status) ? status : null);

    private Task OnStatusChanged(ConnectionStatus? value)
    {
        _status = value;
        return ReloadFromFirstPageAsync();
    }

    private Task OnPageSizeChanged(ChangeEventArgs e)
    {
        _pageSize = int.TryParse(e.Value as string, NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) && PageSizes.Contains(size) ? size : PageSizes[0];
        return ReloadFromFirstPageAsync();
    }

    private Task GoToPageAsync(int page)
    {
        _page = Math.Clamp(page, 0, LastPage);
        return LoadAsync();
    }

    private Task ReloadFromFirstPageAsync()
    {
        _page = 0;
        return LoadAsync();
    }

    public void Dispose()
    {
        _disposed = true;
        Broadcaster.Updated -= OnStatusUpdatedAsync;
        _searchDebounce?.Cancel();
        _searchDebounce?.Dispose();
        _searchDebounce = null;
        GC.SuppressFinalize(this);
    }
}
