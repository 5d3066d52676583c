using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;
using Portal.Features.Users;

namespace Portal.Features.Status;

public partial class StatusDetailPage
{
    private StatusDetail? _detail;
    private bool _loaded;
    private bool _canCheck;
    private bool _canAttest;
    private bool _busy;
    private string? _comment;
    private DateTime _now;
    private MudTable<CheckResult>? _historyTable;
    private IReadOnlyList<CheckResult> _timeline = [];

    [Parameter]
    public int TenantId { get; set; }

    [Inject]
    private StatusService Status { get; set; } = default!;

    [Inject]
    private StatusBroadcaster Broadcaster { get; set; } = default!;

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    [Inject]
    private IOptions<StatusOptions> Options { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    private string AttestationState => AttestationRules.Assess(_detail?.Row.LastAttestedUtc, _now, Options.Value.AttestationOverdueDays) switch
    {
        AttestationRules.State.Overdue => "overdue",
        AttestationRules.State.DueSoon => "due soon",
        _ => "current",
    };

    private string TimelineLabel => $"Recent checks per layer, {_timeline.Count(c => c.Outcome == CheckOutcome.Passed)} of {_timeline.Count} OK";

    protected override async Task OnInitializedAsync()
    {
        (_canCheck, _canAttest) = await Status.CapabilitiesAsync();
        Broadcaster.Updated += OnUpdatedAsync;
    }

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _now = Clock.GetUtcNow().UtcDateTime;
        _detail = await Status.GetDetailAsync(TenantId);
        _timeline = (await Status.QueryHistoryAsync(TenantId, 0, 100)).Items;
        _loaded = true;
    }

    private async Task<TableData<CheckResult>> LoadHistoryAsync(TableState state, CancellationToken ct)
    {
        var page = await Status.QueryHistoryAsync(TenantId, state.Page, state.PageSize, ct);
        return new TableData<CheckResult> { Items = page.Items, TotalItems = page.TotalCount };
    }

    private Task OnUpdatedAsync(IReadOnlyCollection<int> tenantIds) => !tenantIds.Contains(TenantId) ? Task.CompletedTask : InvokeAsync(async () =>
    {
        await LoadAsync();
        if (_historyTable is not null)
        {
            await _historyTable.ReloadServerData();
        }

        StateHasChanged();
    });

    private async Task CheckNowAsync()
    {
        _busy = true;
        try
        {
            var result = await Status.CheckNowAsync([TenantId]);
            Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : Severity.Warning);
        }
        catch (PortalAccessDeniedException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task AttestAsync()
    {
        _busy = true;
        try
        {
            var result = await Status.AttestAsync(TenantId, _comment);
            Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : Severity.Warning);
            if (result.Succeeded)
            {
                _comment = null;
                await LoadAsync();
            }
        }
        catch (PortalAccessDeniedException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _busy = false;
        }
    }

    private static string Utc(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Broadcaster.Updated -= OnUpdatedAsync;
        GC.SuppressFinalize(this);
    }
}
