using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Components.Shared.LongWork;
using Portal.Features.Users;

namespace Portal.Features.Audit;

public partial class AuditPage : IAsyncDisposable
{
    private static readonly string[] KnownActions = [.. typeof(AuditActions).GetFields().Select(f => (string)f.GetValue(null)!).Order(StringComparer.Ordinal)];

    private readonly FilterForm _form = new();
    private AuditEntriesPage? _page;
    private AuditEntry? _selected;
    private AuditVerification? _verification;
    private BrowserTime _time = default!;
    private bool _drawerOpen;
    private bool _verifying;
    private WorkProgress _verifyProgress;
    private string? _verifyCancelled;
    private CancellationTokenSource? _verifyCancellation;
    private bool _ownActionsOnly;

    [Inject] private AuditQueryService Audit { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private Microsoft.JSInterop.IJSRuntime Js { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private Microsoft.Extensions.Options.IOptions<AuditOptions> Options { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "from")] private string? From { get; set; }
    [SupplyParameterFromQuery(Name = "to")] private string? To { get; set; }
    [SupplyParameterFromQuery(Name = "actor")] private string? Actor { get; set; }
    [SupplyParameterFromQuery(Name = "tenant")] private string? Tenant { get; set; }
    [SupplyParameterFromQuery(Name = "action")] private string? ActionName { get; set; }
    [SupplyParameterFromQuery(Name = "outcome")] private string? Outcome { get; set; }
    [SupplyParameterFromQuery(Name = "older")] private long? Older { get; set; }
    [SupplyParameterFromQuery(Name = "newer")] private long? Newer { get; set; }

    private int PageSize => Options.Value.PageSize;

    private AuditFilter CurrentFilter => AuditQueryString.Parse(new Dictionary<string, string?>
    {
        ["from"] = From, ["to"] = To, ["actor"] = Actor, ["tenant"] = Tenant, ["action"] = ActionName, ["outcome"] = Outcome,
    });

    protected override async Task OnInitializedAsync()
    {
        _time = new BrowserTime(Js);
        var user = (await AuthenticationState).User;
        _ownActionsOnly = !(user.IsInRole(Roles.Auditor) || user.IsInRole(Roles.Admin) || user.IsInRole(Roles.TeamLead));
    }

    protected override async Task OnParametersSetAsync()
    {
        var filter = CurrentFilter;
        _form.From = filter.FromUtc?.Date;
        _form.To = filter.ToUtc?.Date.AddDays(-1);
        _form.Actor = filter.Actor;
        _form.Tenant = filter.TenantId;
        _form.Action = filter.Action;
        _form.Outcome = filter.Outcome;
        _page = await Audit.QueryAsync(filter, Older, Newer);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            await _time.DetectAsync();
            StateHasChanged();
        }
    }

    private void ApplyFilters() => Navigate(new AuditFilter
    {
        FromUtc = _form.From is { } from ? DateTime.SpecifyKind(from.Date, DateTimeKind.Utc) : null,
        ToUtc = _form.To is { } to ? DateTime.SpecifyKind(to.Date.AddDays(1), DateTimeKind.Utc) : null,
        Actor = _form.Actor,
        TenantId = _form.Tenant,
        Action = _form.Action,
        Outcome = _form.Outcome,
    }, older: null, newer: null);

    private void ClearFilters() => Navigate(AuditFilter.None, null, null);

    private void OlderPage() => Navigate(CurrentFilter, _page?.OlderThanId, null);

    private void NewerPage() => Navigate(CurrentFilter, null, _page?.NewerThanId);

    private void Navigate(AuditFilter filter, long? older, long? newer)
    {
        var query = AuditQueryString.ToQuery(filter);
        query["older"] = older;
        query["newer"] = newer;
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters("/audit", query));
    }

    private void Open(AuditEntry entry)
    {
        _selected = entry;
        _drawerOpen = true;
    }

    private async Task VerifyAsync()
    {
        _verifying = true;
        _verification = null;
        _verifyCancelled = null;
        _verifyProgress = new WorkProgress(0, null, "Counting");
        _verifyCancellation = new CancellationTokenSource();
        // Re-render a few times a second, not per entry.
        var progress = new ThrottledProgress(p => _ = InvokeAsync(() =>
        {
            _verifyProgress = p;
            StateHasChanged();
        }));
        try
        {
            // Off the circuit's thread, so progress renders and Cancel clicks are handled while entries are hashed.
            var token = _verifyCancellation.Token;
            _verification = await Task.Run(() => Audit.VerifyAsync(progress, token), CancellationToken.None);
            Snackbar.Add(_verification.IsIntact ? "Audit chain verified: intact." : "Audit chain verification found a broken link.", _verification.IsIntact ? Severity.Success : Severity.Error);
            _page = await Audit.QueryAsync(CurrentFilter, Older, Newer);
        }
        catch (OperationCanceledException cancelled)
        {
            _verifyCancelled = cancelled is WorkCancelledException work ? work.Message : "Verification cancelled; nothing was changed.";
        }
        finally
        {
            _verifying = false;
            _verifyCancellation.Dispose();
            _verifyCancellation = null;
        }
    }

    private async Task CancelVerify()
    {
        if (_verifyCancellation is { } cancellation)
        {
            await cancellation.CancelAsync();
        }
    }

    private static Color OutcomeColor(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Success => Color.Success,
        AuditOutcome.Failure => Color.Error,
        AuditOutcome.Denied => Color.Warning,
        _ => Color.Default,
    };

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        _verifyCancellation?.Cancel(); // a closed tab stops its verification
        return _time?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    private sealed class FilterForm
    {
        public DateTime? From { get; set; }
        public DateTime? To { get; set; }
        public string? Actor { get; set; }
        public string? Tenant { get; set; }
        public string? Action { get; set; }
        public AuditOutcome? Outcome { get; set; }
    }
}

internal static class AuditPageFormatting
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string PrettyJson(string json)
    {
        try
        {
            return JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement, Indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
