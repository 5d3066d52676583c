using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
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
    private static readonly MarkupString RotationOptions = StatusBoardMarkup.Options("Any rotation state", [("due", "Rotation due or overdue"), ("overdue", "Rotation overdue")]);
    private static readonly MarkupString ReviewOptions = StatusBoardMarkup.Options("Any review state", [("overdue", "Review overdue")]);
    private static readonly MarkupString PageSizeOptions = StatusBoardMarkup.Options(null, PageSizes.Select(p => (p.ToString(CultureInfo.InvariantCulture), p.ToString(CultureInfo.InvariantCulture))));

    private static readonly MarkupString RefreshIcon = StatusBoardMarkup.Icon(Icons.Material.Filled.Refresh);
    private static readonly MarkupString FirstIcon = StatusBoardMarkup.Icon(Icons.Material.Filled.FirstPage);
    private static readonly MarkupString PreviousIcon = StatusBoardMarkup.Icon(Icons.Material.Filled.NavigateBefore);
    private static readonly MarkupString NextIcon = StatusBoardMarkup.Icon(Icons.Material.Filled.NavigateNext);
    private static readonly MarkupString LastIcon = StatusBoardMarkup.Icon(Icons.Material.Filled.LastPage);
    private static readonly MarkupString RefreshButtonIcon = StatusBoardMarkup.ButtonIcon(Icons.Material.Filled.Refresh);
    private static readonly MarkupString CheckSelectedIcon = StatusBoardMarkup.ButtonIcon(Icons.Material.Filled.PlaylistAddCheck);
    private static readonly MarkupString ExportIcon = StatusBoardMarkup.ButtonIcon(Icons.Material.Filled.Download);
    private static readonly MarkupString NotificationsIcon = StatusBoardMarkup.ButtonIcon(Icons.Material.Filled.NotificationsActive);

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
    private RotationFilter _rotation;
    private bool _reviewOverdue;
    private int _searchVersion;
    private string? _searchShown;
    private string? _pushed;
    private IReadOnlyList<int> _regionIds = [];
    private IReadOnlyList<string> _tags = [];
    private bool _canCheck;
    private bool _checking;
    private bool _exporting;
    private bool _isAdmin;
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
    private SharedStatusRows SharedRows { get; set; } = default!;

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    // The filters in the address bar, as text: a bad value (?region=abc, ?status=Nope) is ignored, never a crash.
    [SupplyParameterFromQuery(Name = "search")]
    public string? SearchQuery { get; set; }

    [SupplyParameterFromQuery(Name = "region")]
    public string? RegionQuery { get; set; }

    [SupplyParameterFromQuery(Name = "tag")]
    public string? TagQuery { get; set; }

    [SupplyParameterFromQuery(Name = "status")]
    public string? StatusQuery { get; set; }

    [SupplyParameterFromQuery(Name = "rotation")]
    public string? RotationQuery { get; set; }

    [SupplyParameterFromQuery(Name = "review")]
    public string? ReviewQuery { get; set; }

    private bool _filtered => !string.IsNullOrWhiteSpace(_search) || _regionId is not null || _tag is not null || _status is not null
        || _rotation != RotationFilter.Any || _reviewOverdue;

    private StatusBoardQuery CurrentQuery => new() { Search = _search, RegionId = _regionId, Tag = _tag, Status = _status, Rotation = _rotation, ReviewOverdue = _reviewOverdue };

    private int LastPage => Math.Max(0, (_total - 1) / _pageSize);

    private int ColumnCount => StatusPresentation.Layers.Count + (_canCheck ? 5 : 3);

    private string PageText => _total == 0
        ? "No tenants"
        : string.Create(CultureInfo.InvariantCulture,
            $"Page {_page + 1} of {LastPage + 1} · {(_page * _pageSize) + 1}–{Math.Min(_total, (_page + 1) * _pageSize)} of {_total} tenants");

    protected override async Task OnInitializedAsync()
    {
        (_canCheck, _) = await Status.CapabilitiesAsync();
        _isAdmin = (await AuthenticationState).User.IsInRole(Roles.AdminOnly); // only shows the link: the notifications page checks for itself
        var regions = await RegionService.ListAsync();
        _regionIds = regions.Select(r => r.Id).ToList();
        _regionOptions = StatusBoardMarkup.Options("All regions", regions.Select(r => (r.Id.ToString(CultureInfo.InvariantCulture), $"{r.Product}: {r.Label}")));
        _tags = await Tenants.ListTagsAsync();
        _tagOptions = StatusBoardMarkup.Options("All tags", _tags.Select(t => (t, t)));
        Broadcaster.Updated += OnStatusUpdatedAsync;
        ApplyAddress(FromAddress());
        await LoadAsync();
    }

    /// <summary>The address changed (back/forward, a link): show its filters. Our own navigation finds them already applied.</summary>
    protected override async Task OnParametersSetAsync()
    {
        var wanted = FromAddress();
        var wantedText = StatusQueryString.Build(wanted);
        // Our own push arrives after a round trip to the browser: typing since then must not be replaced by it.
        if (_rows is null || wantedText == StatusQueryString.Build(CurrentQuery) || wantedText == _pushed)
        {
            return;
        }

        _pushed = null;
        ApplyAddress(wanted);
        _searchVersion++; // a new search box showing the address's text
        await ReloadFromFirstPageAsync();
    }

    /// <summary>The query string's filters; a region or tag this user does not have is ignored like any bad value.</summary>
    private StatusBoardQuery FromAddress()
    {
        var query = StatusQueryString.Parse(new Dictionary<string, string?>
        {
            ["search"] = SearchQuery, ["region"] = RegionQuery, ["tag"] = TagQuery, ["status"] = StatusQuery, ["rotation"] = RotationQuery, ["review"] = ReviewQuery,
        });
        query.RegionId = query.RegionId is { } id && _regionIds.Contains(id) ? id : null;
        query.Tag = query.Tag is { } tag && _tags.Contains(tag, StringComparer.Ordinal) ? tag : null;
        return query;
    }

    private void ApplyAddress(StatusBoardQuery query)
    {
        _search = _searchShown = query.Search;
        _regionId = query.RegionId;
        _tag = query.Tag;
        _status = query.Status;
        _rotation = query.Rotation;
        _reviewOverdue = query.ReviewOverdue;
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
        _rows = StatusBoardMarkup.ToViews(result.Rows, now, _rows, SharedRows);
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

        await FiltersChangedAsync();
    }

    private Task OnRegionChanged(ChangeEventArgs e)
    {
        _regionId = int.TryParse(e.Value as string, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : null;
        return FiltersChangedAsync();
    }

    private Task OnTagChanged(ChangeEventArgs e)
    {
        _tag = string.IsNullOrEmpty(e.Value as string) ? null : (string)e.Value!;
        return FiltersChangedAsync();
    }

    private Task OnStatusSelected(ChangeEventArgs e) =>
        OnStatusChanged(Enum.TryParse<ConnectionStatus>(e.Value as string, out var status) ? status : null);

    private Task OnStatusChanged(ConnectionStatus? value)
    {
        _status = value;
        return FiltersChangedAsync();
    }

    private Task OnRotationChanged(ChangeEventArgs e)
    {
        _rotation = StatusQueryString.ParseRotation(e.Value as string) ?? RotationFilter.Any;
        return FiltersChangedAsync();
    }

    private Task OnReviewChanged(ChangeEventArgs e)
    {
        _reviewOverdue = StatusQueryString.ParseReview(e.Value as string) ?? false;
        return FiltersChangedAsync();
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

    /// <summary>A filter changed: the address bar says so (a history entry, so Back restores the previous filters), then reload.</summary>
    private Task FiltersChangedAsync()
    {
        _pushed = StatusQueryString.Build(CurrentQuery);
        Navigation.NavigateTo("/status" + _pushed);
        return ReloadFromFirstPageAsync();
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
