using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Features.Regions;

namespace Portal.Features.Tenants;

public partial class TenantEditPage
{
    private TenantEditModel _model = new();
    private IReadOnlyList<RegionSummary> _regions = [];
    private TenantDetails? _details;
    private TenantEditModel? _stored;
    private bool _loading = true;
    private bool _notFound;
    private bool _canEdit;
    private string _title = "New tenant";

    [Parameter]
    public int? Id { get; set; }

    [Inject]
    private TenantService Tenants { get; set; } = default!;

    [Inject]
    private RegionService RegionService { get; set; } = default!;

    [Inject]
    private CurrentTenantState CurrentTenant { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    private string? Subtitle => _details is { } d
        ? string.Create(CultureInfo.InvariantCulture, $"Created by {d.CreatedBy} on {d.CreatedUtc:yyyy-MM-dd HH:mm} UTC · last changed by {d.UpdatedBy} on {d.UpdatedUtc:yyyy-MM-dd HH:mm} UTC")
        : "Enter the customer's UEM environment. Secrets are encrypted when saved and never shown again.";

    protected override async Task OnParametersSetAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        _loading = true;
        _canEdit = await Tenants.CanEditAsync();
        _regions = await RegionService.ListAsync();
        if (Id is not { } id)
        {
            _details = null;
            _notFound = false;
            _model = new TenantEditModel();
            _stored = null;
            _title = "New tenant";
        }
        else
        {
            _details = await Tenants.GetAsync(id);
            _notFound = _details is null;
            if (_details is not null)
            {
                _model = _details.Model;
                _stored = _details.Model.Clone(); // the form edits _model in place
                _title = _details.Model.DisplayName;
                CurrentTenant.Set(new TenantRef(_details.Id, _details.Model.DisplayName));
            }
        }

        _loading = false;
    }

    private async Task<TenantSaveResult> SaveAsync(TenantEditModel model)
    {
        var result = Id is { } id ? await Tenants.UpdateAsync(id, model) : await Tenants.CreateAsync(model);
        if (!result.Succeeded)
        {
            return result;
        }

        Snackbar.Add(result.Message, Severity.Success);
        foreach (var warning in result.Warnings)
        {
            Snackbar.Add(warning, Severity.Warning);
        }

        if (Id is null)
        {
            Navigation.NavigateTo($"/tenants/{result.Id}");
        }
        else
        {
            await LoadAsync(); // fresh version, secret inputs cleared, new fingerprints shown
        }

        return result;
    }

    private async Task ToggleArchivedAsync()
    {
        if (_details is not { } details)
        {
            return;
        }

        var result = details.IsArchived ? await Tenants.RestoreAsync(details.Id) : await Tenants.ArchiveAsync(details.Id);
        Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : Severity.Error);
        await LoadAsync();
    }
}
