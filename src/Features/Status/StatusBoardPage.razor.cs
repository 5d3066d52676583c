using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Features.Regions;
using Portal.Features.Tenants;
using Portal.Features.Users;

namespace Portal.Features.Status;

public partial class StatusBoardPage
{
    private MudDataGrid<StatusBoardRow>? _grid;
    private IReadOnlyList<RegionSummary> _regions = [];
    private IReadOnlyList<string> _tags = [];
    private StatusSummary? _summaryView;
    private IReadOnlyList<StatusBoardRow> _rows = [];
    private readonly HashSet<int> _selected = [];
    private string? _search;
    private int? _regionId;
    private string? _tag;
    private ConnectionStatus? _status;
    private bool _canCheck;
    private bool _checking;
    private DateTime _now;

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

    private string ExportUrl => "/status/export.csv" + StatusQueryString.Build(CurrentQuery);

    protected override async Task OnInitializedAsync()
    {
        _now = Clock.GetUtcNow().UtcDateTime;
        (_canCheck, _) = await Status.CapabilitiesAsync();
        _regions = await RegionService.ListAsync();
        _tags = await Tenants.ListTagsAsync();
        Broadcaster.Updated += OnStatusUpdatedAsync;
    }

    private async Task<GridData<StatusBoardRow>> LoadAsync(GridState<StatusBoardRow> state, CancellationToken ct)
    {
        _now = Clock.GetUtcNow().UtcDateTime;
        var query = CurrentQuery;
        query.Page = state.Page;
        query.PageSize = state.PageSize;
        var page = await Status.QueryBoardAsync(query, ct);
        _summaryView?.Show(page.Summary);
        _rows = page.Rows;
        return new GridData<StatusBoardRow> { Items = page.Rows, TotalItems = page.TotalCount };
    }

    /// <summary>The sweeper stored new results: re-query the stored state (no upstream call from here).</summary>
    private Task OnStatusUpdatedAsync(IReadOnlyCollection<int> tenantIds) => InvokeAsync(async () =>
    {
        if (_grid is not null)
        {
            await _grid.ReloadServerData();
            StateHasChanged();
        }
    });

    private Task CheckPageAsync() => CheckAsync(_rows.Select(r => r.TenantId).ToList());

    /// <summary>Selection is kept by tenant id, so it survives live reloads and paging.</summary>
    private void ToggleSelected(int tenantId, bool selected)
    {
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

    private Task OnSearchChanged(string? value)
    {
        _search = value;
        return ReloadAsync();
    }

    private Task OnRegionChanged(int? value)
    {
        _regionId = value;
        return ReloadAsync();
    }

    private Task OnTagChanged(string? value)
    {
        _tag = value;
        return ReloadAsync();
    }

    private Task OnStatusChanged(ConnectionStatus? value)
    {
        _status = value;
        return ReloadAsync();
    }

    private Task ReloadAsync() => _grid?.ReloadServerData() ?? Task.CompletedTask;

    public void Dispose()
    {
        Broadcaster.Updated -= OnStatusUpdatedAsync;
        GC.SuppressFinalize(this);
    }
}
