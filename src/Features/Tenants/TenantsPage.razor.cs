using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Features.Regions;
using Portal.Features.Tenants.Bulk;

namespace Portal.Features.Tenants;

public partial class TenantsPage
{
    private MudDataGrid<TenantListItem>? _grid;
    private IReadOnlyList<RegionSummary> _regions = [];
    private IReadOnlyList<string> _tags = [];
    private string? _search;
    private int? _regionId;
    private string? _tag;
    private TenantStatusFilter _status = TenantStatusFilter.Active;
    private bool _canEdit;
    private readonly HashSet<int> _selected = [];
    private IReadOnlyList<TenantListItem> _pageItems = [];
    private string? _bulkTag;
    private string? _bulkSummary;
    private bool _bulkRunning;

    [Inject]
    private TenantService Tenants { get; set; } = default!;

    [Inject]
    private RegionService RegionService { get; set; } = default!;

    /// <summary>Bulk actions are resolved when used: listing tenants does not need the set-up and status services.</summary>
    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    private bool _filtered => !string.IsNullOrWhiteSpace(_search) || _regionId is not null || _tag is not null || _status != TenantStatusFilter.Active;

    protected override async Task OnInitializedAsync()
    {
        _canEdit = await Tenants.CanEditAsync();
        _regions = await RegionService.ListAsync();
        _tags = await Tenants.ListTagsAsync();
    }

    private async Task<GridData<TenantListItem>> LoadAsync(GridState<TenantListItem> state, CancellationToken ct)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var page = await Tenants.QueryAsync(new TenantQuery
        {
            Search = _search,
            RegionId = _regionId,
            Status = _status,
            Tag = _tag,
            SortBy = sort?.SortBy,
            SortDescending = sort?.Descending ?? false,
            Page = state.Page,
            PageSize = state.PageSize,
        }, ct);
        _pageItems = page.Items;
        return new GridData<TenantListItem> { Items = page.Items, TotalItems = page.TotalCount };
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

    private Task OnStatusChanged(TenantStatusFilter value)
    {
        _status = value;
        return ReloadAsync();
    }

    private Task OnTagChanged(string? value)
    {
        _tag = value;
        return ReloadAsync();
    }

    private Task ReloadAsync() => _grid?.ReloadServerData() ?? Task.CompletedTask;

    private bool AllOnPageSelected => _pageItems.Count > 0 && _pageItems.All(i => _selected.Contains(i.Id));

    private void Toggle(int id, ChangeEventArgs e)
    {
        if (e.Value is true)
        {
            _selected.Add(id);
        }
        else
        {
            _selected.Remove(id);
        }
    }

    private void ToggleAllOnPage(ChangeEventArgs e)
    {
        foreach (var item in _pageItems)
        {
            Toggle(item.Id, e);
        }
    }

    private void ClearSelection() => _selected.Clear();

    /// <summary>Each selected tenant goes through the single action (role, scope, audit); the summary says what was refused and why.</summary>
    private async Task RunBulkAsync(TenantBulkAction action)
    {
        _bulkRunning = true;
        try
        {
            var result = await Services.GetRequiredService<TenantBulkActions>().RunAsync(action, [.. _selected], _bulkTag);
            _bulkSummary = result.Summary + ".";
            _selected.Clear();
            _tags = await Tenants.ListTagsAsync();
            await ReloadAsync();
        }
        finally
        {
            _bulkRunning = false;
        }
    }
}
